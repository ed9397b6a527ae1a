using Ratelord.Core.Policies;
using Ratelord.Scenarios.Clients;
using Ratelord.Scenarios.Simulation;

namespace Ratelord.Scenarios.Scenarios;

/// <summary>Runs a scenario in a mode on the virtual clock.</summary>
public static class ScenarioRunner
{
    /// <summary>
    /// The virtual instant every run starts at: on a whole minute, so the provider's windows and the
    /// token bucket's ticks line up with the start.
    /// </summary>
    public static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Runs <paramref name="spec"/> in <paramref name="mode"/> for <paramref name="horizon"/>.</summary>
    /// <param name="builtInDefaults">
    /// With Ratelord, run with the built-in defaults instead of the scenario's policy (the workload's pool stays).
    /// </param>
    public static ScenarioRun Run(
        ScenarioSpec spec,
        ScenarioMode mode,
        int seed,
        TimeSpan horizon,
        bool builtInDefaults = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var policy = builtInDefaults ? ScenarioCatalog.DefaultPolicy : spec.PolicyYaml;
        var clock = new VirtualClock(Start);
        var outages = spec.Outages
            .Select(o => new Outage(
                Start + TimeSpan.FromSeconds(o.FromSeconds),
                Start + TimeSpan.FromSeconds(o.UntilSeconds)))
            .ToList();
        var provider = new SimulatedGitHub(spec.Limit, spec.Window, outages);
        var ledger = new CallLedger();
        var context = new ClientContext(clock, provider, ledger, new Random(Seeds.Of(seed, spec.Id, mode.ToString())));
        var (wants, outside) = DemandPlan.Draw(spec, Start, horizon, new Random(Seeds.Of(seed, spec.Id, "demand")));

        var ratelord = mode == ScenarioMode.Ratelord
            ? new RatelordClient(
                context,
                PolicyParser.Parse(policy, $"scenarios/{spec.Id}.yaml"),
                new Random(Seeds.Of(seed, spec.Id, "intent-ids")))
            : null;
        var bucket = mode == ScenarioMode.TokenBucket ? new TokenBucketClient(context) : null;
        ScenarioClient client = ratelord ?? (ScenarioClient?)bucket ?? new DirectClient(context);
        foreach (var want in wants)
        {
            clock.At(want.WantedAt, () => client.Begin(want));
        }

        var direct = new DirectClient(context);
        foreach (var want in outside)
        {
            clock.At(want.WantedAt, () => direct.Begin(want));
        }

        clock.RunUntil(Start + horizon);

        return new ScenarioRun(
            spec,
            mode,
            LabelOf(mode, builtInDefaults && mode == ScenarioMode.Ratelord),
            seed,
            Start,
            horizon,
            wants,
            ledger,
            outages,
            ratelord?.Decisions ?? new Dictionary<string, int>(),
            ratelord?.ModificationReasons ?? new Dictionary<string, int>());
    }

    /// <summary>The name of a mode in the report.</summary>
    public static string LabelOf(ScenarioMode mode, bool builtInDefaults = false) => mode switch
    {
        ScenarioMode.WithoutRatelord => "without Ratelord",
        ScenarioMode.TokenBucket => "token bucket",
        _ => builtInDefaults ? "Ratelord, built-in defaults" : "Ratelord",
    };
}

/// <summary>Independent random streams from one seed, stable across processes and platforms.</summary>
public static class Seeds
{
    public static int Of(int seed, string scenario, string stream)
    {
        // FNV-1a: string.GetHashCode is randomised per process, which would break replays.
        var hash = 2166136261u;
        foreach (var c in $"{seed}/{scenario}/{stream}")
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & int.MaxValue);
    }
}
