using Microsoft.Extensions.Time.Testing;
using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;
using Ratelord.Core.Providers;

namespace Ratelord.Tests.Infrastructure;

/// <summary>
/// The engine on a fake clock, for Given/When/Then tests of decisions: commands in, results and
/// events out, every event kept so a test can replay them.
/// </summary>
public sealed class EngineHarness
{
    /// <summary>A whole second, so a <c>Date</c> header states the clock exactly.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    public EngineHarness(RatelordOptions? options = null)
    {
        Engine = new RatelordEngine(options ?? new RatelordOptions());
    }

    public FakeTimeProvider Time { get; } = new(Epoch);

    public DateTimeOffset Now => Time.GetUtcNow();

    public RatelordEngine Engine { get; }

    public RatelordState State => Engine.State;

    /// <summary>Every event the engine decided, in order.</summary>
    public List<EventEnvelope> Log { get; } = [];

    public T Execute<T>(RatelordCommand<T> command)
    {
        var (result, events) = Engine.Execute(command, Now);
        Log.AddRange(events);

        return (T)result!;
    }

    public void Advance(TimeSpan by) => Time.Advance(by);

    public IdentityRecord Register(string identityId, string provider = "github", params SharedPool[] shared) =>
        Execute(new RegisterIdentity(identityId, "pat", provider, shared, new Dictionary<string, string>()));

    public ObservationResult Observe(string family, string identityId, ProviderResponse response) =>
        Execute(new RecordObservation(family, identityId, response, "agent-observer", Sentinels.GlobalScope));

    /// <summary>A GitHub response dated now whose pool resets <paramref name="resetIn"/> from now.</summary>
    public ProviderResponse GitHubResponse(double limit, double remaining, TimeSpan resetIn, int status = 200)
    {
        var headers = ProviderBodies.GitHubHeaders(Now, limit, remaining, Now + resetIn);

        return Response(status, [.. headers.Select(h => (h[0], h[1]))]);
    }

    public ObservationResult ObserveGitHub(
        string identityId,
        double limit,
        double remaining,
        TimeSpan resetIn,
        int status = 200) =>
        Observe("github", identityId, GitHubResponse(limit, remaining, resetIn, status));

    /// <summary>An IETF RateLimit response: a named window length, so later windows can be planned.</summary>
    public ObservationResult ObserveIetf(
        string identityId,
        double limit,
        double remaining,
        TimeSpan resetIn,
        TimeSpan window)
    {
        var (q, w) = (ProviderBodies.Number(limit), ProviderBodies.Number(window.TotalSeconds));
        var (r, t) = (ProviderBodies.Number(remaining), ProviderBodies.Number(resetIn.TotalSeconds));

        return Observe(
            "ietf",
            identityId,
            Response(
                200,
                ("Date", ProviderBodies.HttpDate(Now)),
                ("RateLimit-Policy", $"\"default\";q={q};w={w}"),
                ("RateLimit", $"\"default\";r={r};t={t}")));
    }

    public static ProviderResponse Response(int status, params (string Name, string Value)[] headers) =>
        new(status, [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))], null);

    /// <summary>
    /// Submits an intent, of high urgency unless told otherwise: high urgency meets the capacity rule
    /// alone, neither paced for risk nor kept out of the share of a pool reserved for it.
    /// </summary>
    public IntentDecisionResult Submit(
        string identityId,
        double? cost = null,
        double? maxWait = null,
        string workload = "default",
        string agent = "agent-1",
        double? duration = null,
        Urgency urgency = Urgency.High) =>
        Execute(new SubmitIntent(
            agent, identityId, workload, Sentinels.GlobalScope, urgency, cost, duration, maxWait, null, false));

    public OutcomeResult Outcome(
        Guid intentId,
        string outcome = SettlementOutcomes.Completed,
        double? actualCost = null,
        ProviderResponse? response = null,
        string family = "auto") =>
        Execute(new ReportOutcome(intentId, outcome, actualCost, response, family));

    public int Expire() => Execute(new ExpireApprovals());

    public PoolState Pool(string owner, string provider = "github", string pool = "core") =>
        State.Pools.Find(new PoolKey(provider, pool, owner))
            ?? throw new InvalidOperationException($"No pool {provider}/{pool}@{owner} in the projection.");
}
