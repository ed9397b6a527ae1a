using Ratelord.Core.Engine;
using Ratelord.Host.Metrics;
using Ratelord.Host.Services;
using Ratelord.Stores.Sqlite;

namespace Ratelord.Host.Endpoints;

/// <summary>
/// <c>GET /v1/vitals</c>: the daemon's pulse for people (<c>ratelord top</c>, the dashboard's health page): its
/// state, version and uptime, the overall risk (the worst status of any pool), decisions per minute, the denial
/// rate, decision latency, event rate, commit batch sizes and the size of the database.
/// </summary>
public static class VitalsEndpoints
{
    // A pool nobody has described yet does not make the daemon's risk unknown while other pools are judged.
    private static readonly string[] StatusOrder = ["critical", "warn", "ok", "unknown"];

    public static void MapVitalsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/vitals", GetAsync).WithName("Vitals");

    private static async Task<IResult> GetAsync(
        CommandWriter writer,
        DaemonInfo info,
        DaemonMetrics metrics,
        IServiceProvider services,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var model = writer.Options.ForecastModel;
        var statuses = await writer.ReadAsync(
            state => state.Pools.All
                .Select(p => PoolResponse.From(p, now, model).WithProviderFreshness(p, state, now).Status)
                .ToList(),
            cancellationToken);
        var byStatus = statuses.GroupBy(s => s, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        var overall = StatusOrder.FirstOrDefault(byStatus.ContainsKey) ?? "ok";
        var vitals = metrics.Vitals.Snapshot();
        var (batches, commands) = writer.BatchStatistics;
        long? dbSize = services.GetService<SqliteEventStore>() is { } sqlite ? sqlite.SizeInBytes() : null;

        return Results.Json(
            new VitalsResponse(
                now,
                "ok",
                DaemonInfo.Version,
                Math.Round((now - info.StartedAt).TotalSeconds, 3),
                writer.Feed.LastPosition,
                writer.Options.PolicyVersion,
                overall,
                byStatus,
                vitals.DecisionsPerMinute,
                Math.Round(vitals.DenialRate, 4),
                Math.Round(vitals.EventsPerSecond, 3),
                vitals.LatencyP50Seconds is { } p50 ? Math.Round(p50 * 1000, 3) : null,
                vitals.LatencyP99Seconds is { } p99 ? Math.Round(p99 * 1000, 3) : null,
                vitals.LatencySamples,
                batches,
                batches == 0 ? 0 : Math.Round((double)commands / batches, 3),
                vitals.Batches,
                dbSize),
            ApiJson.Responses);
    }
}

/// <summary>The answer of <c>GET /v1/vitals</c>.</summary>
/// <param name="OverallRisk">The worst status of any pool: critical, warn, unknown or ok.</param>
/// <param name="PoolsByStatus">How many pools stand at each status.</param>
/// <param name="DecisionsPerMinute">Decisions made in the last minute.</param>
/// <param name="DenialRate">The share of the last minute's decisions that were denials.</param>
/// <param name="EventsPerSecond">Events appended per second over the last minute.</param>
/// <param name="DecisionLatencyP50Ms">Median latency of the recent decisions, in milliseconds.</param>
/// <param name="DecisionLatencyP99Ms">99th percentile latency of the recent decisions, in milliseconds.</param>
/// <param name="RecentBatches">The recent commit batches: commands decided and events appended by each.</param>
/// <param name="DbSizeBytes">The SQLite files' size (database and write-ahead log).</param>
public sealed record VitalsResponse(
    DateTimeOffset AsOf,
    string Status,
    string Version,
    double UptimeS,
    long LastPosition,
    string PolicyVersion,
    string OverallRisk,
    IReadOnlyDictionary<string, int> PoolsByStatus,
    int DecisionsPerMinute,
    double DenialRate,
    double EventsPerSecond,
    double? DecisionLatencyP50Ms,
    double? DecisionLatencyP99Ms,
    int LatencySamples,
    long CommitBatches,
    double MeanCommandsPerBatch,
    IReadOnlyList<BatchSample> RecentBatches,
    long? DbSizeBytes);
