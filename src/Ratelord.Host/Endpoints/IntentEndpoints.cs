using RequiredAttribute = System.ComponentModel.DataAnnotations.RequiredAttribute;
using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Host.Http;
using Ratelord.Host.OpenApi;

namespace Ratelord.Host.Endpoints;

/// <summary><c>POST /v1/intent</c> and <c>POST /v1/intent/{intent_id}/outcome</c>.</summary>
public static class IntentEndpoints
{
    public static void MapIntentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/intent", SubmitAsync)
            .WithName("SubmitIntent")
            .WithSummary("Ask before acting: the decision, with what it was based on.")
            .WithMetadata(new JsonRequestBody(typeof(IntentRequest)))
            .Produces<IntentResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        app.MapPost("/v1/intent/{intentId}/outcome", ReportOutcomeAsync)
            .WithName("ReportOutcome")
            .WithSummary("Report what an approved call cost, and the provider's response to learn from.")
            .WithMetadata(new JsonRequestBody(typeof(OutcomeRequest)))
            .Produces<OutcomeResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> SubmitAsync(
        HttpRequest request,
        IMediator mediator,
        IValidator<SubmitIntent> validator,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync<IntentRequest>(request, ApiJson.Requests, cancellationToken);
        var urgency = Urgency.Normal;
        var urgencyKnown = body.Urgency is null || WireNames.TryParseUrgency(body.Urgency, out urgency);

        var command = new SubmitIntent(
            body.AgentId ?? "",
            body.IdentityId ?? "",
            body.WorkloadId ?? "",
            body.ScopeId ?? "",
            urgency,
            body.ExpectedCost,
            body.DurationHint,
            body.MaxWaitSeconds,
            body.ClientContext is { ValueKind: not JsonValueKind.Null } context ? context.Clone() : null,
            body.Debug ?? false);
        if (!urgencyKnown)
        {
            // Report the urgency together with every other bad field, not one at a time.
            var failures = (await validator.ValidateAsync(command, cancellationToken)).Errors;
            failures.Add(new ValidationFailure(
                "urgency",
                $"'{body.Urgency}' is not an urgency; use high, normal or background."));

            throw new ValidationException(failures);
        }

        var result = await mediator.Send(command, cancellationToken);

        return Results.Json(IntentResponse.From(result), ApiJson.Responses);
    }

    private static async Task<IResult> ReportOutcomeAsync(
        string intentId,
        HttpRequest request,
        IMediator mediator,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(intentId, out var id))
        {
            throw new ApiProblemException(400, "invalid_intent_id", $"'{intentId}' is not an intent id.", "intent_id");
        }

        var body = await JsonBody.ReadAsync<OutcomeRequest>(request, ApiJson.Requests, cancellationToken);
        if (body.Outcome is null)
        {
            // Not defaulted: an agent that forgot to say how the call ended must not have it recorded as served.
            throw new ApiProblemException(
                400,
                "validation_failed",
                "'outcome' is required: completed, failed or cancelled.",
                "outcome");
        }
        var command = new ReportOutcome(
            id,
            body.Outcome,
            body.ActualCost,
            body.Response?.ToResponse("response."),
            body.Provider ?? "auto");
        var result = await mediator.Send(command, cancellationToken);

        return Results.Json(
            new OutcomeResponse(
                result.IntentId,
                result.Outcome,
                result.Reading is null ? null : ReadingResponse.From(result.Reading),
                [.. result.UpdatedPools.Select(p => p.ToString())]),
            ApiJson.Responses);
    }
}

public sealed record IntentRequest(
    [property: Required] string? AgentId,
    [property: Required] string? IdentityId,
    [property: Required] string? WorkloadId,
    [property: Required] string? ScopeId,
    string? Urgency,
    double? ExpectedCost,
    double? DurationHint,
    double? MaxWaitSeconds,
    JsonElement? ClientContext,
    bool? Debug);

public sealed record OutcomeRequest(
    [property: Required] string? Outcome,
    double? ActualCost,
    string? Provider,
    ProviderResponseBody? Response);

public sealed record OutcomeResponse(
    Guid IntentId,
    string Outcome,
    ReadingResponse? Reading,
    IReadOnlyList<string> UpdatedPools);

public sealed record IntentResponse(
    Guid IntentId,
    string Decision,
    ModificationsResponse? Modifications,
    string? Reason,
    double? RetryAfterS,
    DateTimeOffset? ValidUntil,
    EvaluationResponse Evaluation,
    TraceResponse? Trace)
{
    public static IntentResponse From(IntentDecisionResult result) => new(
        result.IntentId,
        WireNames.Of(result.Verdict),
        result.WaitSeconds is null && result.DeferUntil is null && result.IdentitySwitch is null
            ? null
            : new ModificationsResponse(result.WaitSeconds, result.DeferUntil, result.IdentitySwitch),
        result.Reason,
        result.RetryAfterSeconds,
        result.ValidUntil,
        new EvaluationResponse(
            result.Evaluation.AsOf,
            result.Evaluation.RiskSummary,
            result.Evaluation.TightestPool is { } tightest ? PoolCheckResponse.From(tightest) : null,
            result.Evaluation.PolicyVersion,
            result.Evaluation.RulesFired),
        result.Trace is { } trace ? TraceResponse.From(trace) : null);
}

/// <summary>The whole evaluation: every pool checked, every rule evaluated with its inputs, every budget.</summary>
public sealed record TraceResponse(
    IReadOnlyList<PoolCheckResponse> Pools,
    IReadOnlyList<RuleTraceResponse> Rules,
    IReadOnlyList<BudgetTraceResponse> Budgets)
{
    public static TraceResponse From(DecisionTrace trace) => new(
        [.. trace.Pools.Select(PoolCheckResponse.From)],
        [.. trace.Rules.Select(r => new RuleTraceResponse(
            r.PolicyId,
            r.Rule,
            r.Condition,
            r.Pool,
            r.Inputs,
            r.Result,
            r.Error))],
        [.. trace.Budgets.Select(b => new BudgetTraceResponse(
            b.Budget.Id, b.WindowStart, b.WindowEnd, b.LimitUsd, b.SpentUsd, b.RemainingUsd, b.IntentMicroUsd / 1e6))]);
}

public sealed record RuleTraceResponse(
    string PolicyId,
    string Rule,
    string Condition,
    string? Pool,
    IReadOnlyDictionary<string, object?> Inputs,
    bool Result,
    string? Error);

public sealed record BudgetTraceResponse(
    string BudgetId,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    double LimitUsd,
    double SpentUsd,
    double RemainingUsd,
    double IntentUsd);

public sealed record ModificationsResponse(double? WaitSeconds, DateTimeOffset? DeferUntil, string? IdentitySwitch);

public sealed record EvaluationResponse(
    DateTimeOffset AsOf,
    string RiskSummary,
    PoolCheckResponse? TightestPool,
    string PolicyVersion,
    IReadOnlyList<string> RulesFired);

public sealed record PoolCheckResponse(
    string PoolId,
    string Provider,
    string Pool,
    string Owner,
    double Cost,
    double? Limit,
    double? Remaining,
    double Reserved,
    DateTimeOffset? ResetAt,
    DateTimeOffset? EarliestStart,
    string? Blocker,
    string Status,
    double? PExhaustion)
{
    public static PoolCheckResponse From(PoolCheck check) => new(
        check.Pool.ToString(),
        check.Pool.Provider,
        check.Pool.Pool,
        check.Pool.Owner,
        check.Cost,
        check.Limit,
        check.Remaining,
        check.Reserved,
        check.ResetAt,
        check.EarliestStart,
        check.Blocker,
        WireNames.Of(check.Status),
        check.PExhaustion);
}
