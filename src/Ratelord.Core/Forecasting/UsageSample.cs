namespace Ratelord.Core.Forecasting;

/// <summary>
/// One piece of evidence about consumption: <see cref="Amount"/> units were consumed over the
/// interval ending at <see cref="At"/> that lasted <see cref="Seconds"/>.
/// </summary>
public readonly record struct UsageSample(DateTimeOffset At, double Amount, double Seconds);

/// <summary>What a model needs to know about a pool to forecast it.</summary>
public sealed record ForecastInput(
    DateTimeOffset Now,
    double? Limit,
    double? Available,
    double? SecondsToReset,
    double? SecondsSinceObservation,
    IReadOnlyList<UsageSample> Samples);

/// <summary>A burn-rate model that turns a pool's evidence into a forecast.</summary>
public interface IForecastModel
{
    /// <summary>Model id and version, recorded in every forecast it makes.</summary>
    string Id { get; }

    PoolForecast Forecast(ForecastInput input);
}
