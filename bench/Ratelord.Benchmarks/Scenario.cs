using System.Globalization;
using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Providers;

namespace Ratelord.Benchmarks;

/// <summary>
/// The one setting every benchmark decides in: an agent triaging issues with a GitHub App identity,
/// whose <c>core</c> pool provider responses have described for the last ten minutes.
/// </summary>
internal static class Scenario
{
    public const string AgentId = "triage-agent";

    public const string IdentityId = "github-app-acme";

    public const string ScopeId = "repo:acme/api";

    /// <summary>How long the pool has been watched before <see cref="Now"/>, one response a minute.</summary>
    private const int HistoryMinutes = 10;

    /// <summary>
    /// The instant of the last observation and of every decision. A fixed instant keeps the pool in
    /// one window for the whole run, so every invocation meets the same pool.
    /// </summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An intent of an unconfigured workload: cost 1 from the identity's <c>core</c> pool.</summary>
    public static readonly SubmitIntent Intent = new(
        AgentId,
        IdentityId,
        "issue-triage",
        ScopeId,
        Urgency.Normal,
        ExpectedCost: null,
        DurationHintSeconds: null,
        MaxWaitSeconds: null,
        ClientContext: null,
        Debug: false);

    /// <summary>
    /// A fresh engine with the identity registered and a GitHub response observed every minute for
    /// the last ten, the last one (at <see cref="Now"/>) leaving <paramref name="remaining"/> of
    /// <paramref name="limit"/> until a reset <paramref name="resetIn"/> away.
    /// </summary>
    /// <remarks>
    /// The history is what makes the decision a plain one: with fewer readings the forecast is
    /// unknown, and the policy paces every intent of an unknown pool.
    /// </remarks>
    public static RatelordEngine Engine(double limit, double remaining, TimeSpan resetIn)
    {
        var engine = new RatelordEngine(new RatelordOptions());
        var start = Now.AddMinutes(-HistoryMinutes);
        engine.Execute(
            new RegisterIdentity(IdentityId, "github_app", "github", [], new Dictionary<string, string>()),
            start);

        // The pool falls evenly from full to what is left, inside one window that resets at Now + resetIn.
        var reset = Now + resetIn;
        for (var minute = 0; minute <= HistoryMinutes; minute++)
        {
            var at = start.AddMinutes(minute);
            var left = limit - ((limit - remaining) * minute / HistoryMinutes);
            engine.Execute(
                new RecordObservation("github", IdentityId, GitHubResponse(at, limit, left, reset), AgentId, ScopeId),
                at);
        }

        return engine;
    }

    /// <summary>Decides <see cref="Intent"/> and, when it was approved, cancels it so it holds nothing.</summary>
    public static IntentDecisionResult DecideAndRelease(RatelordEngine engine)
    {
        var (result, _) = engine.Execute(Intent, Now);
        var decision = (IntentDecisionResult)result!;

        if (decision.Verdict != Verdict.DenyWithReason)
        {
            engine.Execute(
                new ReportOutcome(decision.IntentId, SettlementOutcomes.Cancelled, null, null, "auto"),
                Now);
        }

        return decision;
    }

    /// <summary>
    /// The events that <paramref name="count"/> decisions write: an <c>intent_submitted</c> and an
    /// <c>intent_decided</c> each, as the writer hands them to the store (position 0).
    /// </summary>
    public static List<EventEnvelope> DecisionEvents(int count)
    {
        var engine = Engine(limit: 1_000_000_000, remaining: 999_000_000, TimeSpan.FromHours(1));
        var events = new List<EventEnvelope>(count);
        while (events.Count < count)
        {
            var (_, produced) = engine.Execute(Intent, Now);
            events.AddRange(produced.Take(count - events.Count));
        }

        return events;
    }

    private static ProviderResponse GitHubResponse(
        DateTimeOffset date,
        double limit,
        double remaining,
        DateTimeOffset reset) =>
        new(
            200,
            [
                KeyValuePair.Create("date", date.ToString("r", CultureInfo.InvariantCulture)),
                KeyValuePair.Create("x-ratelimit-limit", Number(limit)),
                KeyValuePair.Create("x-ratelimit-remaining", Number(remaining)),
                KeyValuePair.Create("x-ratelimit-used", Number(limit - remaining)),
                KeyValuePair.Create("x-ratelimit-reset", Number(reset.ToUnixTimeSeconds())),
                KeyValuePair.Create("x-ratelimit-resource", "core"),
            ],
            null);

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
