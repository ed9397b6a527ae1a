namespace Ratelord.Core.Forecasting;

/// <summary>
/// A burn-rate model that turns a pool's evidence into a forecast. Implementations are pure: the same
/// input always gives the same forecast, and nothing but the input is read (never the clock).
/// </summary>
public interface IForecastModel
{
    /// <summary>Model id and version (<c>window-rate/2</c>), recorded in every forecast it makes.</summary>
    string Id { get; }

    /// <summary>Forecasts the pool described by <paramref name="input"/>.</summary>
    PoolForecast Forecast(ForecastInput input);
}
