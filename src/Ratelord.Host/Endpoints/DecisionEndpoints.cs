using System.Globalization;
using System.Text;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Projections;
using Ratelord.Host.Dashboard;
using Ratelord.Host.Http;

namespace Ratelord.Host.Endpoints;

/// <summary>
/// Decisions for operators: <c>GET /v1/intents</c> lists the recent ones, filtered by agent, identity, verdict,
/// reason or pool; <c>GET /v1/intents/{intent_id}</c> explains one: what was asked, what was decided and why, how
/// it ended, and where its pools stand now.
/// </summary>
public static class DecisionEndpoints
{
    /// <summary>The most decisions one list returns.</summary>
    public const int MaxList = LogViews.MaxDecisions;

    public static void MapDecisionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/intents", ListAsync).WithName("ListDecisions");
        app.MapGet("/v1/intents/{intentId}", ExplainAsync).WithName("ExplainDecision");
    }

    private static async Task<IResult> ListAsync(
        HttpContext context,
        LogViews views,
        CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var limit = 100;
        if (query["limit"].ToString() is { Length: > 0 } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit)
                || limit is < 1 or > MaxList))
        {
            throw new ApiProblemException(
                400,
                "invalid_query",
                $"limit must be a whole number from 1 to {MaxList}.",
                "limit");
        }

        string? Filter(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
        var agent = Filter("agent_id");
        var identity = Filter("identity_id");
        var verdict = Filter("verdict");
        var reason = Filter("reason");
        var pool = Filter("pool_id");

        var (position, decisions) = await views.ReadAsync(
            snapshot => (snapshot.Position, snapshot.Decisions
                .Where(d => agent is null || d.AgentId == agent)
                .Where(d => identity is null || d.IdentityId == identity)
                .Where(d => verdict is null || d.Verdict == verdict)
                .Where(d => reason is null || d.Reason == reason)
                .Where(d => pool is null || d.Pools.Contains(pool) || d.TightestPool == pool)
                .Take(limit)
                .ToList()),
            cancellationToken);

        return Results.Json(new DecisionListResponse(position, decisions), ApiJson.Responses);
    }

    private static async Task<IResult> ExplainAsync(
        string intentId,
        CommandWriter writer,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(intentId, out var id))
        {
            throw new ApiProblemException(400, "invalid_intent_id", $"'{intentId}' is not an intent id.", "intent_id");
        }

        var now = time.GetUtcNow();
        var model = writer.Options.ForecastModel;
        var explanation = await writer.ReadAsync(
            state => state.Intents.Find(id) is { } record ? Explain(record, state, now, model) : null,
            cancellationToken);

        return explanation is null
            ? throw new ApiProblemException(404, "intent_not_found", $"No intent {id} is in the log.", "intent_id")
            : Results.Json(explanation, ApiJson.Responses);
    }

    private static IntentExplanationResponse Explain(
        IntentRecord record,
        RatelordState state,
        DateTimeOffset now,
        Core.Forecasting.IForecastModel model)
    {
        var decision = record.Decision;
        var poolIds = decision is null
            ? []
            : decision.Reservations.Select(r => r.Pool.ToString())
                .Append(decision.TightestPool)
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .ToList();
        var pools = state.Pools.All
            .Where(p => poolIds.Contains(p.Key.ToString()))
            .Select(p => PoolResponse.From(p, now, model).WithProviderFreshness(p, state, now))
            .ToList();

        return new IntentExplanationResponse(
            record.IntentId,
            record.Dimensions.AgentId,
            record.Dimensions.IdentityId,
            record.Dimensions.WorkloadId,
            record.Dimensions.ScopeId,
            WireNames.Of(record.Submitted.Urgency),
            record.Submitted.ExpectedCost,
            record.Submitted.MaxWaitSeconds,
            record.SubmittedAt,
            decision is null ? null : new DecisionDetail(
                WireNames.Of(decision.Verdict),
                decision.Reason,
                decision.WaitSeconds,
                decision.DeferUntil,
                decision.IdentitySwitch,
                decision.RetryAfterSeconds,
                decision.ValidUntil,
                decision.TightestPool,
                decision.RiskSummary,
                decision.PolicyVersion,
                decision.RulesFired,
                [
                    .. decision.Reservations
                        .Select(r => new ReservationDetail(r.Pool.ToString(), r.Amount, r.EffectiveFrom)),
                ],
                record.DecidedAt),
            record.Settlement is { } settled
                ? new SettlementDetail(settled.Outcome, settled.ActualCost, settled.ResponseStatus, record.SettledAt)
                : null,
            Sentence(record),
            pools);
    }

    /// <summary>The decision in words, from its recorded fields only.</summary>
    private static string Sentence(IntentRecord record)
    {
        if (record.Decision is not { } d)
        {
            return "Submitted; no decision is recorded for it.";
        }

        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        switch (d.Verdict)
        {
            case Verdict.Approve:
                text.Append("Approved: every pool it draws from could cover its cost.");
                break;
            case Verdict.ApproveWithModifications:
                text.Append("Approved with modifications");
                if (d.WaitSeconds is { } wait)
                {
                    text.Append(c, $": wait {wait:0.###} s");
                }

                if (d.DeferUntil is { } until)
                {
                    text.Append(c, $": deferred until {until:O}");
                }

                if (d.IdentitySwitch is { } other)
                {
                    text.Append(c, $": use identity {other}");
                }

                text.Append(c, $" ({d.Reason ?? "no reason given"}).");
                break;
            default:
                text.Append(c, $"Denied ({d.Reason ?? "no reason given"})");
                text.Append(d.RetryAfterSeconds is { } retry
                    ? string.Create(c, $"; retry after {retry:0.###} s.")
                    : ".");
                break;
        }

        if (d.TightestPool is { } tightest)
        {
            text.Append(c, $" Tightest pool: {tightest}.");
        }

        if (!string.IsNullOrWhiteSpace(d.RiskSummary))
        {
            text.Append(c, $" Risk: {d.RiskSummary}.");
        }

        if (d.RulesFired.Count > 0)
        {
            text.Append(c, $" Rules fired: {string.Join(", ", d.RulesFired)}.");
        }

        text.Append(c, $" Policy {d.PolicyVersion}.");
        if (record.Settlement is { } s)
        {
            text.Append(c, $" Settled: {s.Outcome}");
            text.Append(s.ActualCost is { } cost ? string.Create(c, $", actual cost {cost:0.###}.") : ".");
        }

        return text.ToString();
    }
}

/// <summary>The answer of <c>GET /v1/intents</c>: recent decisions, newest first.</summary>
public sealed record DecisionListResponse(long Position, IReadOnlyList<DecisionRow> Decisions);

/// <summary>The answer of <c>GET /v1/intents/{intent_id}</c>.</summary>
/// <param name="Explanation">The decision in words, composed from its recorded fields.</param>
/// <param name="Pools">Where the pools it drew from (or that refused it) stand now.</param>
public sealed record IntentExplanationResponse(
    Guid IntentId,
    string AgentId,
    string IdentityId,
    string WorkloadId,
    string ScopeId,
    string Urgency,
    double? ExpectedCost,
    double? MaxWaitSeconds,
    DateTimeOffset SubmittedAt,
    DecisionDetail? Decision,
    SettlementDetail? Settlement,
    string Explanation,
    IReadOnlyList<PoolResponse> Pools);

/// <summary>A decision as recorded in the log.</summary>
public sealed record DecisionDetail(
    string Verdict,
    string? Reason,
    double? WaitSeconds,
    DateTimeOffset? DeferUntil,
    string? IdentitySwitch,
    double? RetryAfterS,
    DateTimeOffset? ValidUntil,
    string? TightestPool,
    string RiskSummary,
    string PolicyVersion,
    IReadOnlyList<string> RulesFired,
    IReadOnlyList<ReservationDetail> Reservations,
    DateTimeOffset? DecidedAt);

/// <summary>Capacity an approval held in one pool, from when.</summary>
public sealed record ReservationDetail(string PoolId, double Amount, DateTimeOffset EffectiveFrom);

/// <summary>How an approved intent ended.</summary>
public sealed record SettlementDetail(
    string Outcome,
    double? ActualCost,
    int? ResponseStatus,
    DateTimeOffset? SettledAt);
