using RequiredAttribute = System.ComponentModel.DataAnnotations.RequiredAttribute;
using System.Text.Json;
using Mediator;
using Ratelord.Core.Commands;
using Ratelord.Core.Events;
using Ratelord.Core.Providers;
using Ratelord.Host.Http;
using Ratelord.Host.OpenApi;

namespace Ratelord.Host.Endpoints;

/// <summary><c>POST /v1/observations</c>: learn from a provider response.</summary>
public static class ObservationEndpoints
{
    public static void MapObservationEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/observations", RecordAsync)
            .WithName("RecordObservation")
            .WithSummary(
                "Tell the daemon what a provider answered; the answer is the reading and the pools it updated.")
            .WithMetadata(new JsonRequestBody(typeof(ObservationRequest)))
            .Produces<ObservationResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

    private static async Task<IResult> RecordAsync(
        HttpRequest request,
        IMediator mediator,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync<ObservationRequest>(request, ApiJson.Requests, cancellationToken);
        var response = new ProviderResponseBody(body.Status, body.Headers, body.Body).ToResponse("");
        var command = new RecordObservation(
            body.Provider ?? "auto",
            body.IdentityId ?? "",
            response,
            body.AgentId ?? Sentinels.Unspecified,
            body.ScopeId ?? Sentinels.GlobalScope);
        var result = await mediator.Send(command, cancellationToken);
        var reading = ReadingResponse.From(result.Reading);

        return Results.Json(
            new ObservationResponse(
                reading.Family,
                reading.Limited,
                reading.RetryAfterS,
                reading.RetryAfterMinS,
                reading.ResponseDate,
                reading.Pools,
                [.. result.UpdatedPools.Select(p => p.ToString())]),
            ApiJson.Responses);
    }
}

public sealed record ObservationRequest(
    string? Provider,
    [property: Required] string? IdentityId,
    string? AgentId,
    string? ScopeId,
    [property: Required] int? Status,
    JsonElement? Headers,
    JsonElement? Body);

public sealed record ObservationResponse(
    string Family,
    bool Limited,
    double? RetryAfterS,
    double? RetryAfterMinS,
    DateTimeOffset? ResponseDate,
    IReadOnlyList<PoolReadingResponse> Pools,
    IReadOnlyList<string> UpdatedPools);

/// <summary>A reading in the fixture's terms: limited, retry_after_s, pools.</summary>
public sealed record ReadingResponse(
    string Family,
    bool Limited,
    double? RetryAfterS,
    double? RetryAfterMinS,
    DateTimeOffset? ResponseDate,
    IReadOnlyList<PoolReadingResponse> Pools)
{
    public static ReadingResponse From(ProviderReading reading) => new(
        reading.Family,
        reading.Limited,
        reading.RetryAfterSeconds,
        reading.RetryAfterMinSeconds,
        reading.ResponseDate,
        [.. reading.Pools.Select(p => new PoolReadingResponse(
            p.Pool,
            p.Limit,
            p.Remaining,
            p.Used,
            p.ResetInSeconds,
            p.WindowSeconds))]);
}

public sealed record PoolReadingResponse(
    string Pool,
    double? Limit,
    double? Remaining,
    double? Used,
    double? ResetInS,
    double? WindowS);
