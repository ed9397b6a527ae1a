using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Host.Dashboard;
using Ratelord.Host.Http;

namespace Ratelord.Host.Endpoints;

/// <summary>
/// <c>GET /v1/pools/detail?pool_id=provider/pool@owner</c>: one pool as the dashboard draws it: where it stands now,
/// its remaining capacity over time, the forecast cone (P50, P90, P99) up to its reset, and the recent decisions
/// that drew on it.
/// </summary>
public static class PoolDetailEndpoints
{
    /// <summary>Points the forecast cone is drawn with.</summary>
    private const int ConeSteps = 24;

    /// <summary>How far the cone reaches when the pool's reset is unknown: one hour.</summary>
    private const double ConeWithoutResetSeconds = 3600;

    public static void MapPoolDetailEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/pools/detail", GetAsync).WithName("PoolDetail");

    private static async Task<IResult> GetAsync(
        HttpContext context,
        CommandWriter writer,
        LogViews views,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var poolId = context.Request.Query["pool_id"].ToString();
        if (poolId.Length == 0)
        {
            throw new ApiProblemException(
                400, "invalid_query", "pool_id is required: the pool as provider/pool@owner.", "pool_id");
        }

        var now = time.GetUtcNow();
        var model = writer.Options.ForecastModel;
        var found = await writer.ReadAsync(
            state =>
            {
                if (state.Pools.All.FirstOrDefault(p => p.Key.ToString() == poolId) is not { } pool)
                {
                    return null;
                }

                var sharing = state.Identities.All
                    .Where(i => i.Provider == pool.Key.Provider && i.OwnerOf(pool.Key.Pool) == pool.Key.Owner)
                    .Select(i => i.IdentityId)
                    .Order(StringComparer.Ordinal)
                    .ToList();

                return new Found(
                    pool.Key,
                    PoolResponse.From(pool, now, model).WithProviderFreshness(pool, state, now),
                    sharing);
            },
            cancellationToken);
        if (found is not var (key, response, sharing))
        {
            throw new ApiProblemException(
                404, "pool_not_found", $"No pool '{poolId}' is known; see GET /v1/pools.", "pool_id");
        }

        var (history, decisions) = await views.ReadAsync(
            snapshot => (snapshot.HistoryOf(key), snapshot.DecisionsOn(key).Take(100).ToList()),
            cancellationToken);

        return Results.Json(
            new PoolDetailResponse(now, response, history, Cone(response, now), response.ResetAt, decisions, sharing),
            ApiJson.Responses);
    }

    /// <summary>
    /// The forecast's times to exhaustion drawn as straight drains from what is available now: P50 the likely
    /// path, P99 the pessimistic one, up to the reset (or an hour when it is unknown). A quantile with no time to
    /// exhaustion stays level: at the forecast burn rate the pool does not run dry.
    /// </summary>
    private static List<ConePoint> Cone(PoolResponse pool, DateTimeOffset now)
    {
        if (pool.Available is not { } available)
        {
            return [];
        }

        var tte = pool.Forecast.Tte;
        var reach = pool.Forecast.TtrS is { } ttr
            ? ttr
            : Math.Min(tte.P50S ?? ConeWithoutResetSeconds, ConeWithoutResetSeconds);
        reach = Math.Max(reach, 1);
        var points = new List<ConePoint>(ConeSteps + 1);
        for (var i = 0; i <= ConeSteps; i++)
        {
            var t = reach * i / ConeSteps;
            points.Add(new ConePoint(
                now.AddSeconds(t),
                Drain(available, tte.P50S, t),
                Drain(available, tte.P90S, t),
                Drain(available, tte.P99S, t)));
        }

        return points;
    }

    private sealed record Found(PoolKey Key, PoolResponse Response, List<string> Sharing);

    private static double Drain(double available, double? tte, double t) =>
        tte is > 0 and var seconds ? Math.Max(0, available * (1 - (t / seconds))) : tte is 0 ? 0 : available;
}

/// <summary>The answer of <c>GET /v1/pools/detail</c>.</summary>
/// <param name="History">Remaining (and limit, reserved) over time from the log, oldest first.</param>
/// <param name="Cone">
/// The forecast cone from now to the reset: what is left at each instant at P50, P90 and P99.
/// </param>
/// <param name="ResetAt">When the pool's window resets, if known.</param>
/// <param name="Decisions">The recent decisions that drew on the pool or that it refused, newest first.</param>
/// <param name="Identities">The registered identities that draw on this pool.</param>
public sealed record PoolDetailResponse(
    DateTimeOffset AsOf,
    PoolResponse Pool,
    IReadOnlyList<PoolPoint> History,
    IReadOnlyList<ConePoint> Cone,
    DateTimeOffset? ResetAt,
    IReadOnlyList<DecisionRow> Decisions,
    IReadOnlyList<string> Identities);

/// <summary>One instant of the forecast cone: what is left at P50, P90 and P99.</summary>
public sealed record ConePoint(DateTimeOffset At, double P50, double P90, double P99);
