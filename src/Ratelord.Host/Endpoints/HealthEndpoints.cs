using Ratelord.Core.Engine;
using Ratelord.Host.Services;

namespace Ratelord.Host.Endpoints;

/// <summary><c>GET /v1/health</c>: is the daemon up, which version, how far is its log.</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/health", Get)
            .WithName("Health")
            .WithSummary("Status, version, uptime and the last position of the log.")
            .Produces<HealthResponse>();

    private static IResult Get(CommandWriter writer, DaemonInfo info, TimeProvider time)
    {
        var (batches, commands) = writer.BatchStatistics;

        return Results.Json(
            new HealthResponse(
                "ok",
                DaemonInfo.Version,
                Math.Round((time.GetUtcNow() - info.StartedAt).TotalSeconds, 3),
                writer.Feed.LastPosition,
                writer.Store.Kind,
                info.DbPath,
                writer.Options.PolicyVersion,
                batches,
                batches == 0 ? 0 : Math.Round((double)commands / batches, 3)),
            ApiJson.Responses);
    }
}

public sealed record HealthResponse(
    string Status,
    string Version,
    double UptimeS,
    long LastPosition,
    string Store,
    string DbPath,
    string PolicyVersion,
    long CommitBatches,
    double MeanCommandsPerBatch);
