using Ratelord.Core.Engine;

namespace Ratelord.Host.Endpoints;

/// <summary>
/// Probes for supervisors: <c>/healthz</c> answers while the process serves HTTP; <c>/readyz</c> answers 200 only
/// when the log can be read, so nothing routes intents to a daemon that cannot record them.
/// </summary>
public static class ProbeEndpoints
{
    public static void MapProbeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new ProbeResponse("ok", null), ApiJson.Responses))
            .WithName("Liveness");
        app.MapGet("/readyz", ReadyAsync).WithName("Readiness");
    }

    private static async Task<IResult> ReadyAsync(CommandWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            var last = await writer.Store.LastPositionAsync(cancellationToken);

            // Read the last event back: a log that cannot be read cannot replay or serve the event stream.
            await foreach (var _ in writer.Store.ReadAsync(Math.Max(0, last - 1), 1, cancellationToken))
            {
            }

            return Results.Json(new ProbeResponse("ready", last), ApiJson.Responses);
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException
            or Microsoft.Data.Sqlite.SqliteException or ObjectDisposedException)
        {
            return Results.Json(
                new ProbeResponse($"not ready: the event log cannot be read ({exception.Message})", null),
                ApiJson.Responses,
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}

/// <summary>A probe's answer.</summary>
public sealed record ProbeResponse(string Status, long? LastPosition);
