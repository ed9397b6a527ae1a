using System.Globalization;
using System.Text.Json;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Host.Http;

namespace Ratelord.Host.Endpoints;

/// <summary>
/// <c>GET /v1/events</c>: pages of the log, or with <c>stream=true</c> a live server-sent stream; with <c>type</c>,
/// only the events of that type.
/// </summary>
public static class EventEndpoints
{
    public static void MapEventEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/events", GetAsync)
            .WithName("ReadEvents")
            .WithSummary(
                "A page of the event log, or with stream=true the log live as server-sent events; type keeps one type.")
            .Produces<EventPageResponse>()
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest);

    private static async Task GetAsync(HttpContext context, CommandWriter writer, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var after = ParseLong(query["after"], "after", 0);
        if (context.Request.Headers.TryGetValue("Last-Event-ID", out var lastId)
            && long.TryParse(lastId, out var resumed))
        {
            after = Math.Max(after, resumed);
        }

        // Checked as a long before the narrowing, so 2^32 + 1 is refused rather than read as 1.
        var requested = ParseLong(query["limit"], "limit", 100);
        if (requested is < 1 or > RequestLimits.MaxEventPage)
        {
            throw new ApiProblemException(
                400,
                "invalid_query",
                $"limit must be between 1 and {RequestLimits.MaxEventPage}.",
                "limit");
        }

        var limit = (int)requested;

        var stream = query["stream"].ToString() switch
        {
            "" or "false" or "0" => false,
            "true" or "1" => true,
            var other => throw new ApiProblemException(
                400,
                "invalid_query",
                $"stream '{other}' must be true or false.",
                "stream"),
        };

        var type = ParseType(query["type"]);

        if (stream)
        {
            await StreamAsync(context, writer, after, type, cancellationToken);

            return;
        }

        var (events, next) = type is null
            ? await ReadPageAsync(writer, after, limit, cancellationToken)
            : await ReadPageOfTypeAsync(writer, after, limit, type, cancellationToken);
        await context.Response.WriteAsJsonAsync(
            new EventPageResponse(events, next, writer.Feed.LastPosition),
            ApiJson.Responses,
            cancellationToken);
    }

    private static async Task<(List<EventResponse> Events, long Next)> ReadPageAsync(
        CommandWriter writer,
        long after,
        int limit,
        CancellationToken cancellationToken)
    {
        var events = new List<EventResponse>();
        await foreach (var envelope in writer.Store.ReadAsync(after, limit, cancellationToken))
        {
            events.Add(EventResponse.From(envelope));
        }

        return (events, events.Count > 0 ? events[^1].Position : after);
    }

    /// <summary>
    /// The first <paramref name="limit"/> events of a type after a position, reading at most
    /// <see cref="RequestLimits.MaxEventScan"/> events of the log. The page's next position is the last event read,
    /// whether it matched or not, so that reading on from it misses nothing and reads nothing twice.
    /// </summary>
    private static async Task<(List<EventResponse> Events, long Next)> ReadPageOfTypeAsync(
        CommandWriter writer,
        long after,
        int limit,
        string type,
        CancellationToken cancellationToken)
    {
        var events = new List<EventResponse>();
        var next = after;
        await foreach (var envelope in writer.Store.ReadAsync(after, RequestLimits.MaxEventScan, cancellationToken))
        {
            next = envelope.Position;
            if (envelope.Type != type)
            {
                continue;
            }

            events.Add(EventResponse.From(envelope));
            if (events.Count == limit)
            {
                break;
            }
        }

        return (events, next);
    }

    private static async Task StreamAsync(
        HttpContext context,
        CommandWriter writer,
        long after,
        string? type,
        CancellationToken cancellationToken)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.Body.FlushAsync(cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await foreach (var envelope in writer.Store.ReadAsync(
                    after,
                    RequestLimits.MaxEventPage,
                    cancellationToken))
                {
                    after = envelope.Position;
                    if (type is not null && envelope.Type != type)
                    {
                        continue;
                    }

                    var json = JsonSerializer.Serialize(EventResponse.From(envelope), ApiJson.Responses);
                    await context.Response.WriteAsync(
                        $"id: {envelope.Position.ToString(CultureInfo.InvariantCulture)}\n"
                            + $"event: {envelope.Type}\ndata: {json}\n\n",
                        cancellationToken);
                }

                await context.Response.Body.FlushAsync(cancellationToken);
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                heartbeat.CancelAfter(TimeSpan.FromSeconds(15));
                try
                {
                    await writer.Feed.WaitBeyondAsync(after, heartbeat.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Quiet log: a comment line keeps proxies and clients from timing the stream out.
                    await context.Response.WriteAsync(": keep-alive\n\n", cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
    }

    /// <summary>An event type by its wire name, or null when none is asked for; an unknown name is refused.</summary>
    private static string? ParseType(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var known = string.Join(", ", EventTypes.Names.Order(StringComparer.Ordinal));

        return EventTypes.TypeOf(text) is not null
            ? text
            : throw new ApiProblemException(
                400, "invalid_query", $"type '{text}' is not an event type; one of: {known}.", "type");
    }

    private static long ParseLong(string? text, string field, long fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ApiProblemException(
                400,
                "invalid_query",
                $"{field} '{text}' must be a whole number of at least 0.",
                field);
    }
}

public sealed record EventPageResponse(IReadOnlyList<EventResponse> Events, long NextAfter, long LastPosition);

public sealed record EventResponse(
    long Position,
    Guid EventId,
    string Type,
    int SchemaVersion,
    DateTimeOffset EventTime,
    DateTimeOffset IngestTime,
    string AgentId,
    string IdentityId,
    string WorkloadId,
    string ScopeId,
    Guid CorrelationId,
    Guid? CausationId,
    string? Provider,
    string? Pool,
    JsonElement Payload)
{
    public static EventResponse From(EventEnvelope envelope) => new(
        envelope.Position,
        envelope.EventId,
        envelope.Type,
        envelope.SchemaVersion,
        envelope.EventTime,
        envelope.IngestTime,
        envelope.Dimensions.AgentId,
        envelope.Dimensions.IdentityId,
        envelope.Dimensions.WorkloadId,
        envelope.Dimensions.ScopeId,
        envelope.CorrelationId,
        envelope.CausationId,
        envelope.Provider,
        envelope.Pool,
        JsonSerializer.SerializeToElement(envelope.Payload, envelope.Payload.GetType(), EventSerializer.Options));
}
