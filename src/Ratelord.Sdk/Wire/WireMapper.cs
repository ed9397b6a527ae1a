using System.Text.Json;

namespace Ratelord.Sdk.Wire;

/// <summary>Translates between the public types and the daemon's wire names and units (seconds, snake_case).</summary>
internal static class WireMapper
{
    public static IntentRequest ToRequest(Intent intent) => new(
        intent.AgentId,
        intent.IdentityId,
        intent.WorkloadId,
        intent.ScopeId,
        intent.Urgency switch
        {
            Urgency.High => "high",
            Urgency.Background => "background",
            _ => "normal",
        },
        intent.ExpectedCost,
        intent.DurationHint?.TotalSeconds,
        intent.MaxWait?.TotalSeconds,
        intent.ClientContext,
        intent.Debug ? true : null);

    /// <summary>
    /// Reads a decision. <paramref name="receivedAt"/> stands in for the evaluation time when the daemon gave
    /// none, so that a deferral can still be measured.
    /// </summary>
    /// <exception cref="JsonException">The verdict is missing or unknown.</exception>
    public static Decision ToDecision(DecisionAnswer answer, DateTimeOffset receivedAt)
    {
        var verdict = answer.Decision switch
        {
            "approve" => Verdict.Approve,
            "approve_with_modifications" => Verdict.ApproveWithModifications,
            "deny_with_reason" => Verdict.DenyWithReason,
            _ => throw new JsonException($"The decision '{answer.Decision}' is not one this SDK knows."),
        };

        return new Decision
        {
            IntentId = answer.IntentId,
            Verdict = verdict,
            Wait = Seconds(answer.Modifications?.WaitSeconds),
            DeferUntil = answer.Modifications?.DeferUntil,
            IdentitySwitch = answer.Modifications?.IdentitySwitch,
            Reason = answer.Reason,
            RetryAfter = Seconds(answer.RetryAfterS),
            ValidUntil = answer.ValidUntil,
            EvaluatedAt = answer.Evaluation?.AsOf ?? receivedAt,
            RiskSummary = answer.Evaluation?.RiskSummary,
            TightestPool = PoolId(answer.Evaluation?.TightestPool),
            PolicyVersion = Text(answer.Evaluation?.PolicyVersion),
            Trace = answer.Trace,
        };
    }

    public static OutcomeRequest ToRequest(Outcome outcome) => new(
        outcome.Kind switch
        {
            OutcomeKind.Failed => "failed",
            OutcomeKind.Cancelled => "cancelled",
            _ => "completed",
        },
        outcome.ActualCost,
        outcome.Provider,
        outcome.Status is { } status
            ? new ResponseReport(status, [.. outcome.Headers.Select(h => new[] { h.Key, h.Value })], outcome.Body)
            : null);

    public static IdentityRequest ToRequest(IdentityRegistration registration) => new(
        registration.IdentityId,
        registration.Kind,
        registration.Provider,
        registration.Pools.Count == 0
            ? null
            : [.. registration.Pools.Select(p => new IdentityPoolRequest(p.Pool, p.SharedKey))],
        registration.Metadata);

    public static DaemonHealth ToHealth(HealthAnswer answer) => new(
        answer.Status ?? "unknown",
        answer.Version,
        Seconds(answer.UptimeS) ?? TimeSpan.Zero,
        answer.LastPosition ?? 0);

    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? ToErrors(Dictionary<string, string[]>? errors) =>
        errors?.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value, StringComparer.Ordinal);

    private static TimeSpan? Seconds(double? seconds) =>
        seconds is { } value && double.IsFinite(value) ? TimeSpan.FromSeconds(Math.Max(0, value)) : null;

    private static string? PoolId(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } check && check.TryGetProperty("pool_id", out var id)
            ? Text(id)
            : Text(element);

    private static string? Text(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Number } number => number.GetRawText(),
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } or null => null,
        { } other => other.GetRawText(),
    };
}
