using System.Text.Json;
using FluentValidation;
using Ratelord.Core.Commands;
using Ratelord.Core.Events;
using Ratelord.Core.Providers;
using CoreUrgency = Ratelord.Core.Domain.Urgency;
using CoreVerdict = Ratelord.Core.Domain.Verdict;

namespace Ratelord.Sdk.Embedded;

/// <summary>
/// Translates between the SDK's types and Core's commands and results, with the same defaults the daemon's
/// endpoints apply to the same fields, so that the embedded engine is asked exactly what the daemon would be.
/// </summary>
internal static class EmbeddedMapper
{
    public static SubmitIntent ToCommand(Intent intent) => new(
        intent.AgentId,
        intent.IdentityId,
        intent.WorkloadId,
        intent.ScopeId,
        intent.Urgency switch
        {
            Urgency.High => CoreUrgency.High,
            Urgency.Background => CoreUrgency.Background,
            _ => CoreUrgency.Normal,
        },
        intent.ExpectedCost,
        intent.DurationHint?.TotalSeconds,
        intent.MaxWait?.TotalSeconds,
        intent.ClientContext is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } context
            ? context.Clone()
            : null,
        intent.Debug);

    public static ReportOutcome ToCommand(Guid intentId, Outcome outcome) => new(
        intentId,
        outcome.Kind switch
        {
            OutcomeKind.Failed => SettlementOutcomes.Failed,
            OutcomeKind.Cancelled => SettlementOutcomes.Cancelled,
            _ => SettlementOutcomes.Completed,
        },
        outcome.ActualCost,
        outcome.Status is { } status
            ? new ProviderResponse(
                status,
                [.. outcome.Headers],
                outcome.Body is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } body
                    ? body.Clone()
                    : null)
            : null,
        outcome.Provider ?? "auto");

    public static RegisterIdentity ToCommand(IdentityRegistration registration) => new(
        registration.IdentityId,
        registration.Kind,
        registration.Provider,
        [.. registration.Pools.Select(p => new SharedPool(p.Pool, p.SharedKey))],
        registration.Metadata ?? new Dictionary<string, string>());

    public static Decision ToDecision(IntentDecisionResult result) => new()
    {
        IntentId = result.IntentId,
        Verdict = result.Verdict switch
        {
            CoreVerdict.Approve => Verdict.Approve,
            CoreVerdict.ApproveWithModifications => Verdict.ApproveWithModifications,
            _ => Verdict.DenyWithReason,
        },
        Wait = Seconds(result.WaitSeconds),
        DeferUntil = result.DeferUntil,
        IdentitySwitch = result.IdentitySwitch,
        Reason = result.Reason,
        RetryAfter = Seconds(result.RetryAfterSeconds),
        ValidUntil = result.ValidUntil,
        EvaluatedAt = result.Evaluation.AsOf,
        RiskSummary = result.Evaluation.RiskSummary,
        TightestPool = result.Evaluation.TightestPool?.Pool.ToString(),
        PolicyVersion = result.Evaluation.PolicyVersion,
        Trace = result.Trace is { } trace ? JsonSerializer.SerializeToElement(trace, EventSerializer.Options) : null,
    };

    /// <summary>The daemon's 400 <c>validation_failed</c> problem, with each field under its wire name.</summary>
    public static RatelordRequestException ToException(ValidationException exception)
    {
        var errors = exception.Errors
            .GroupBy(e => FieldName(e.PropertyName))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(e => e.ErrorMessage)]);

        return new RatelordRequestException(
            400,
            "validation_failed",
            "Bad request",
            $"The request has invalid fields: {string.Join(", ", errors.Keys)}.",
            errors);
    }

    /// <summary>The daemon's problem for a command that cannot apply: its status, code and field.</summary>
    public static RatelordRequestException ToException(CommandRejectedException exception) => new(
        exception.Status,
        exception.Code,
        exception.Status == 404 ? "Not found" : "Conflict",
        exception.Message,
        exception.Field is { } field
            ? new Dictionary<string, IReadOnlyList<string>> { [field] = [exception.Message] }
            : null);

    /// <summary>
    /// A validator's property path (<c>Response.Status</c>) as the API's field name (<c>response.status</c>).
    /// </summary>
    private static string FieldName(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(part => part.Contains('_', StringComparison.Ordinal)
            ? part
            : JsonNamingPolicy.SnakeCaseLower.ConvertName(part)));

    private static TimeSpan? Seconds(double? seconds) =>
        seconds is { } value && double.IsFinite(value) ? TimeSpan.FromSeconds(Math.Max(0, value)) : null;
}
