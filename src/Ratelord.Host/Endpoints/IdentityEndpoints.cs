using RequiredAttribute = System.ComponentModel.DataAnnotations.RequiredAttribute;
using System.Text.Json;
using Mediator;
using Ratelord.Core.Commands;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;
using Ratelord.Host.Http;
using Ratelord.Host.OpenApi;

namespace Ratelord.Host.Endpoints;

/// <summary>Identities: registered by reference, listed, deleted. No secret is ever accepted or shown.</summary>
public static class IdentityEndpoints
{
    public static void MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/identities", RegisterAsync)
            .WithName("RegisterIdentity")
            .WithSummary("Register a credential by reference; never send the secret.")
            .WithMetadata(new JsonRequestBody(typeof(IdentityRequest)))
            .Produces<IdentityResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
        app.MapGet("/v1/identities", ListAsync).WithName("ListIdentities");
        // A catch-all, since identity ids may hold '/': routing does not decode %2F, so the id is unescaped here.
        app.MapDelete("/v1/identities/{**identityId}", DeleteAsync).WithName("DeleteIdentity");
    }

    private static async Task<IResult> RegisterAsync(
        HttpRequest request,
        IMediator mediator,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync<IdentityRequest>(request, ApiJson.Requests, cancellationToken);
        var command = new RegisterIdentity(
            body.IdentityId ?? "",
            body.Kind ?? "",
            body.Provider ?? "",
            [.. (body.Pools ?? []).Select(p => new SharedPool(p.Pool ?? "", p.SharedKey ?? ""))],
            body.Metadata ?? new Dictionary<string, string>());
        var record = await mediator.Send(command, cancellationToken);

        return Results.Json(
            IdentityResponse.From(record),
            ApiJson.Responses,
            statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(CommandWriter writer, CancellationToken cancellationToken)
    {
        var identities = await writer.ReadAsync(
            state => state.Identities.All
                .OrderBy(i => i.IdentityId, StringComparer.Ordinal)
                .Select(IdentityResponse.From)
                .ToList(),
            cancellationToken);

        return Results.Json(new { identities }, ApiJson.Responses);
    }

    private static async Task<IResult> DeleteAsync(
        string identityId,
        IMediator mediator,
        CancellationToken cancellationToken)
    {
        await mediator.Send(new DeleteIdentity(Uri.UnescapeDataString(identityId)), cancellationToken);

        return Results.NoContent();
    }
}

public sealed record IdentityRequest(
    [property: Required] string? IdentityId,
    [property: Required] string? Kind,
    [property: Required] string? Provider,
    IReadOnlyList<SharedPoolRequest>? Pools,
    Dictionary<string, string>? Metadata);

public sealed record SharedPoolRequest(string? Pool, string? SharedKey);

public sealed record IdentityResponse(
    string IdentityId,
    string Kind,
    string Provider,
    IReadOnlyList<SharedPoolRequest> Pools,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset RegisteredAt)
{
    public static IdentityResponse From(IdentityRecord record) => new(
        record.IdentityId,
        record.Kind,
        record.Provider,
        [.. record.SharedPools.Select(p => new SharedPoolRequest(p.Pool, p.SharedKey))],
        record.Metadata,
        record.RegisteredAt);
}
