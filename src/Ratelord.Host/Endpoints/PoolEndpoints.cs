using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Projections;

namespace Ratelord.Host.Endpoints;

/// <summary><c>GET /v1/pools</c>: every pool's posture and forecast.</summary>
public static class PoolEndpoints
{
    public static void MapPoolEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/pools", ListAsync)
            .WithName("ListPools")
            .WithSummary("Every pool with its posture, forecast and status.")
            .Produces<PoolListResponse>();

    private static async Task<IResult> ListAsync(
        CommandWriter writer,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var model = writer.Options.ForecastModel;
        var (pools, learned) = await writer.ReadAsync(
            state => (
                state.Pools.All
                    .Select(p => PoolResponse.From(p, now, model).WithProviderFreshness(p, state, now))
                    .ToList(),
                ProviderEndpoints.LearnedLimitsAt(state, now)),
            cancellationToken);

        return Results.Json(new PoolListResponse(now, pools, learned), ApiJson.Responses);
    }
}

public sealed record PoolListResponse(
    DateTimeOffset AsOf,
    IReadOnlyList<PoolResponse> Pools,
    IReadOnlyList<LearnedLimitResponse> LearnedLimits);

public sealed record PoolResponse(
    string PoolId,
    string Provider,
    string Pool,
    string IdentityId,
    double? Limit,
    double? Remaining,
    double Reserved,
    double? Available,
    double? Used,
    DateTimeOffset? ResetAt,
    double? WindowS,
    DateTimeOffset? LastObservedAt,
    DateTimeOffset? ThrottledUntil,
    string Status,
    ForecastResponse Forecast,
    string? StatusReason = null)
{
    public static PoolResponse From(PoolState pool, DateTimeOffset now, IForecastModel model)
    {
        var view = pool.ViewAt(now);
        var forecast = PoolForecaster.Forecast(pool, now, model);

        return new PoolResponse(
            pool.Key.ToString(),
            pool.Key.Provider,
            pool.Key.Pool,
            pool.Key.Owner,
            view.Limit,
            view.Remaining,
            pool.Reserved,
            view.Remaining is { } remaining ? Math.Max(0, remaining - pool.Reserved) : null,
            pool.Used,
            view.ResetAt,
            view.WindowSeconds,
            pool.LastObservedAt,
            pool.ThrottledUntil > now ? pool.ThrottledUntil : null,
            WireNames.Of(forecast.Status),
            ForecastResponse.From(forecast));
    }
}

/// <summary>A forecast as the API shows it: times in seconds from <c>as_of</c>, rates per second.</summary>
public sealed record ForecastResponse(
    TteResponse Tte,
    double? TtrS,
    double? PExhaustion,
    double? MarginS,
    BurnRateResponse BurnRate,
    string Model,
    DateTimeOffset AsOf,
    string Confidence,
    bool Stale,
    string Status,
    double? Available,
    double? HorizonS,
    string Refill,
    IReadOnlyList<string> Flags)
{
    public static ForecastResponse From(PoolForecast forecast)
    {
        ArgumentNullException.ThrowIfNull(forecast);

        return new(
            new TteResponse(forecast.Tte.P50Seconds, forecast.Tte.P90Seconds, forecast.Tte.P99Seconds),
            forecast.TtrSeconds,
            forecast.PExhaustion,
            forecast.MarginSeconds,
            new BurnRateResponse(forecast.BurnRate.Mean, forecast.BurnRate.StdDev, "per_second"),
            forecast.Model,
            forecast.AsOf,
            forecast.Confidence,
            forecast.Stale,
            WireNames.Of(forecast.Status),
            forecast.Available,
            forecast.HorizonSeconds,
            RefillName(forecast.Refill),
            forecast.Flags ?? []);
    }

    private static string RefillName(RefillKind refill) => refill switch
    {
        RefillKind.FixedWindow => "fixed_window",
        RefillKind.Continuous => "continuous",
        _ => "unknown",
    };
}

/// <summary>Time to exhaustion at P50, P90 and P99, in seconds; null where the pool does not run dry.</summary>
public sealed record TteResponse(double? P50S, double? P90S, double? P99S);

/// <summary>Burn rate: mean and standard deviation, in units per <c>unit</c>.</summary>
public sealed record BurnRateResponse(double Mean, double Stddev, string Unit);
