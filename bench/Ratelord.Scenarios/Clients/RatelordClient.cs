using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Policies;
using Ratelord.Core.Providers;
using Ratelord.Scenarios.Simulation;

namespace Ratelord.Scenarios.Clients;

/// <summary>
/// With Ratelord: the agent submits an intent to the engine (the daemon's own deciders, in memory)
/// and obeys the decision: a wait or a deferral is a call scheduled later, a refusal a new intent
/// after its <c>retry_after_s</c>. It makes the call at the time it was given and reports the outcome
/// with the provider's status and headers, so the engine learns from the real response format.
/// </summary>
public sealed class RatelordClient : ScenarioClient
{
    /// <summary>The identity every agent's intents are charged to.</summary>
    public const string IdentityId = "pat:fleet";

    /// <summary>The workload of every intent; the policy maps it to the identity's <c>core</c> pool.</summary>
    public const string WorkloadId = "repo_scan";

    /// <summary>The scope of every intent.</summary>
    public const string ScopeId = "org:acme/repo:web";

    /// <summary>
    /// The shortest wait before asking again after a refusal, so a refusal whose retry time has
    /// already come does not loop at one instant.
    /// </summary>
    public const double MinRetrySeconds = 0.01;

    /// <summary>The wait after a refusal that names no retry time.</summary>
    public const double DefaultRetrySeconds = 1;

    /// <summary>How often approvals that were never settled are released, as the daemon's sweep does.</summary>
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(5);

    private readonly RatelordEngine _engine;
    private readonly Dictionary<string, int> _decisions = new(StringComparer.Ordinal);

    public RatelordClient(ClientContext context, PolicySet policy, Random ids)
        : base(context)
    {
        // Ids drawn from the run's seed: deferral jitter is derived from the intent id, so replays agree.
        _engine = new RatelordEngine(new RatelordOptions { Policy = policy }, () => NewId(ids));
        _engine.Execute(
            new RegisterIdentity(IdentityId, "pat", "github", [], new Dictionary<string, string>()),
            Clock.Now);
        Clock.Every(SweepPeriod, Sweep);
    }

    /// <summary>
    /// How the engine answered, by kind: <c>approve</c>, <c>wait</c>, <c>defer</c> or <c>deny:&lt;reason&gt;</c>.
    /// </summary>
    public IReadOnlyDictionary<string, int> Decisions => _decisions;

    /// <summary>Why approvals came with a wait or a deferral, by reason code.</summary>
    public Dictionary<string, int> ModificationReasons { get; } = new(StringComparer.Ordinal);

    /// <summary>Events the engine recorded in the run.</summary>
    public long Events => _engine.State.EventCount;

    public override void Begin(Want want) => Ask(want);

    private void Ask(Want want)
    {
        var intent = new SubmitIntent(
            want.AgentId,
            IdentityId,
            WorkloadId,
            ScopeId,
            want.Urgency,
            ExpectedCost: 1,
            DurationHintSeconds: null,
            MaxWaitSeconds: null,
            ClientContext: null,
            Debug: false);
        var decision = (IntentDecisionResult)_engine.Execute(intent, Clock.Now).Result!;
        if (decision.Verdict == Verdict.DenyWithReason)
        {
            Count($"deny:{decision.Reason}");
            var retry = decision.RetryAfterSeconds ?? DefaultRetrySeconds;
            Clock.After(Math.Max(MinRetrySeconds, retry), () => Ask(want));

            return;
        }

        var start = decision.DeferUntil ?? Clock.Now + TimeSpan.FromSeconds(decision.WaitSeconds ?? 0);
        Count(decision.DeferUntil is not null ? "defer" : decision.WaitSeconds is > 0 ? "wait" : "approve");
        if (decision.Reason is { } reason)
        {
            ModificationReasons[reason] = ModificationReasons.GetValueOrDefault(reason) + 1;
        }

        Clock.At(start, () => Call(want, response => Report(want, decision.IntentId, response)));
    }

    private void Report(Want want, Guid intentId, ProviderResponse response)
    {
        var served = response.Status is >= 200 and < 300;
        _engine.Execute(
            new ReportOutcome(
                intentId,
                served ? SettlementOutcomes.Completed : SettlementOutcomes.Failed,
                served ? 1 : 0,
                response,
                "github"),
            Clock.Now);
        if (served)
        {
            return;
        }

        // A 429 was reported with its headers, so the engine itself holds the pool until the provider's
        // wait is over: the agent asks again at once. A 5xx teaches the engine nothing about when the
        // provider is back, so the agent backs off first, as it would without Ratelord.
        var delay = response.Status >= 500 ? ServerErrorBackoff(want) : 0;
        Clock.After(delay, () => Ask(want));
    }

    private void Sweep()
    {
        if (_engine.State.Intents.NextExpiry() is { } expiry && expiry <= Clock.Now)
        {
            _engine.Execute(new ExpireApprovals(), Clock.Now);
        }
    }

    private void Count(string kind) => _decisions[kind] = _decisions.GetValueOrDefault(kind) + 1;

    private static Guid NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);

        return new Guid(bytes);
    }
}
