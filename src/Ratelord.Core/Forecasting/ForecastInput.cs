namespace Ratelord.Core.Forecasting;

/// <summary>What a model needs to know about a pool to forecast it; built by <see cref="PoolForecaster"/>.</summary>
/// <param name="Now">The instant forecast.</param>
/// <param name="Limit">Capacity of the window, when known.</param>
/// <param name="Available">Remaining less what approved intents hold; null when no reading gave it.</param>
/// <param name="SecondsToReset">Time to reset (see <see cref="PoolForecast.TtrSeconds"/>), or null.</param>
/// <param name="SecondsSinceObservation">Age of the last reading, or null when there is none.</param>
/// <param name="Samples">
/// Usage evidence, oldest first. The last one may be the interval still open at <paramref name="Now"/>:
/// consumption not yet closed into a sample, over the time since the last sample ended.
/// </param>
public sealed record ForecastInput(
    DateTimeOffset Now,
    double? Limit,
    double? Available,
    double? SecondsToReset,
    double? SecondsSinceObservation,
    IReadOnlyList<UsageSample> Samples)
{
    /// <summary>How the pool refills.</summary>
    public RefillKind Refill { get; init; } = RefillKind.FixedWindow;

    /// <summary>The window's length as stated or learned from successive resets, when known.</summary>
    public double? WindowSeconds { get; init; }

    /// <summary>For a pool that refills continuously: capacity returned per second.</summary>
    public double RefillPerSecond { get; init; }

    /// <summary>Unexplained consumption seen recently, decayed by event time (see <see cref="PoolDrift"/>).</summary>
    public double DriftLevel { get; init; }
}
