using Ratelord.Core.Projections;

namespace Ratelord.Core.Forecasting;

/// <summary>Turns a pool's projected state into a forecast input and asks the model.</summary>
public static class PoolForecaster
{
    public static PoolForecast Forecast(PoolState pool, DateTimeOffset now, IForecastModel model)
    {
        var view = pool.ViewAt(now);
        double? available = view.Remaining is { } remaining ? Math.Max(0, remaining - pool.Reserved) : null;
        double? ttr = view.ResetAt is { } reset ? Math.Max(0, (reset - now).TotalSeconds) : null;
        double? age = pool.LastObservedAt is { } seen ? Math.Max(0, (now - seen).TotalSeconds) : null;

        return model.Forecast(new ForecastInput(now, view.Limit, available, ttr, age, [.. pool.Samples]));
    }
}
