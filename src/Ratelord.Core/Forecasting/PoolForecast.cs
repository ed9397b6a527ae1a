namespace Ratelord.Core.Forecasting;

/// <summary>
/// What a forecast model says about one pool at one instant. Times are in seconds from
/// <see cref="AsOf"/>; a time to exhaustion of null means the pool does not run dry at the
/// forecast burn rate.
/// </summary>
public sealed record PoolForecast(
    string Model,
    DateTimeOffset AsOf,
    BurnRate BurnRate,
    TimeToExhaustion Tte,
    double? TtrSeconds,
    double? PExhaustion,
    double? MarginSeconds,
    string Confidence,
    bool Stale,
    PoolStatus Status);

/// <summary>Consumption per second: its mean and standard deviation.</summary>
public sealed record BurnRate(double Mean, double StdDev);

/// <summary>Time to exhaustion quantiles: P50 is the median, P99 the pessimistic bound (shortest).</summary>
public sealed record TimeToExhaustion(double? P50Seconds, double? P90Seconds, double? P99Seconds);

/// <summary>The health band of a pool.</summary>
public enum PoolStatus
{
    Unknown,
    Ok,
    Warn,
    Critical,
}
