using Ratelord.Core.Domain;

namespace Ratelord.Scenarios.Scenarios;

/// <summary>
/// The five scenarios of the report. Every one runs against the same provider pool: 300 calls per
/// fixed 60-second window (5 a second on average), answered a random 80 to 250 ms after each call.
/// </summary>
public static class ScenarioCatalog
{
    /// <summary>The seed of the published report and of the tests.</summary>
    public const int DefaultSeed = 20261203;

    public const int Limit = 300;

    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>A scenario's policy unless it says otherwise: the workload's pool, the built-in defaults.</summary>
    public const string DefaultPolicy = """
        workloads:
          repo_scan: { pools: [ { provider: github, pool: core, cost: 1 } ] }
        """;

    public static ScenarioSpec ThunderingHerd { get; } = new(
        "thundering-herd",
        "Thundering herd",
        "100 agents wake at the same instant every 3 minutes, each wanting 5 calls at once: 500 calls, "
        + "1.7 windows' worth, arrive in the same millisecond.",
        Limit,
        Window,
        [new AgentGroup("herd", 100, Urgency.Normal, new Demand.Herd(180, 5), Equal: true)],
        OutsideShare: 0,
        Outages: [],
        DefaultPolicy + """

        defaults:
          high_urgency_reserve_percent: 0
        """,
        "No agent of this fleet ever asks with high urgency, so its operator keeps no reserve for high urgency "
        + "(`high_urgency_reserve_percent: 0`). The run with the built-in defaults (10 % kept for high urgency) "
        + "is in the table too.");

    public static ScenarioSpec NoisyNeighbour { get; } = new(
        "noisy-neighbour",
        "Noisy neighbour",
        "Nine quiet agents each want 0.35 calls a second at random; one noisy agent wants 3.5 a second. "
        + "Together they want 6.65 calls a second of a pool that allows 5: the quiet nine want 3.15.",
        Limit,
        Window,
        [
            new AgentGroup("quiet", 9, Urgency.Normal, new Demand.Poisson(0.35), Equal: true),
            new AgentGroup("noisy", 1, Urgency.Normal, new Demand.Poisson(3.5)),
        ],
        OutsideShare: 0,
        Outages: [],
        DefaultPolicy);

    public static ScenarioSpec PriorityInversion { get; } = new(
        "priority-inversion",
        "Priority inversion",
        "Ten background crawlers flood the pool with 1 call a second each (twice what it allows), while "
        + "three on-call agents each want a high-urgency call every 20 seconds on average.",
        Limit,
        Window,
        [
            new AgentGroup("crawler", 10, Urgency.Background, new Demand.Poisson(1.0), Equal: true),
            new AgentGroup("oncall", 3, Urgency.High, new Demand.Poisson(0.05)),
        ],
        OutsideShare: 0,
        Outages: [],
        DefaultPolicy);

    public static ScenarioSpec Drift { get; } = new(
        "drift",
        "Drift",
        "An outside consumer that does not use Ratelord spends a third of the pool (1.67 calls a second at "
        + "random) on the same credential; ten agents want 0.4 calls a second each, 1.2 times what is left.",
        Limit,
        Window,
        [new AgentGroup("agent", 10, Urgency.Normal, new Demand.Poisson(0.4), Equal: true)],
        OutsideShare: 1.0 / 3,
        Outages: [],
        DefaultPolicy);

    public static ScenarioSpec ProviderFailure { get; } = new(
        "provider-failure",
        "Provider failure",
        "Ten agents want 0.5 calls a second each, as much as the pool allows; from 60 s to 150 s the provider "
        + "answers 503 to every call, then recovers with a backlog of a minute and a half waiting.",
        Limit,
        Window,
        [new AgentGroup("worker", 10, Urgency.Normal, new Demand.Poisson(0.5), Equal: true)],
        OutsideShare: 0,
        Outages: [new OutageSpan(60, 150)],
        DefaultPolicy);

    public static IReadOnlyList<ScenarioSpec> All { get; } =
        [ThunderingHerd, NoisyNeighbour, PriorityInversion, Drift, ProviderFailure];
}
