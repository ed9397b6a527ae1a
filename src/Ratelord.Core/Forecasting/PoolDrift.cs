namespace Ratelord.Core.Forecasting;

/// <summary>
/// Consumption that a pool's readings showed and Ratelord's own accounting (the previous reading, less
/// what settled intents were charged since, less what approved intents may have spent in flight) did not
/// explain: an outside consumer on the same counter.
/// </summary>
/// <param name="Count">How many readings showed drift.</param>
/// <param name="LastAmount">Units the last such reading could not explain.</param>
/// <param name="LastExpected">What the accounting expected the last such reading to show.</param>
/// <param name="LastObserved">What it showed.</param>
/// <param name="LastInFlight">What approved intents held when it came, allowed for as possibly spent.</param>
/// <param name="LastAt">Event time (the provider's clock) of the last such reading.</param>
/// <param name="LastReading">The pool's reading number (<c>Observations</c>) that showed it.</param>
/// <param name="Level">Unexplained units, each faded by event time over <see
/// cref="ExhaustionForecast.DriftMemorySeconds"/>.</param>
public sealed record PoolDrift(
    long Count,
    double LastAmount,
    double LastExpected,
    double LastObserved,
    double LastInFlight,
    DateTimeOffset? LastAt,
    long LastReading,
    double Level)
{
    /// <summary>No drift seen.</summary>
    public static PoolDrift None { get; } = new(0, 0, 0, 0, 0, null, 0, 0);

    /// <summary>The faded level at <paramref name="at"/> (provider clock).</summary>
    public double LevelAt(DateTimeOffset at)
    {
        if (LastAt is not { } last || Level <= 0)
        {
            return 0;
        }

        var elapsed = Math.Max(0, (at - last).TotalSeconds);

        return Level * Math.Exp(-elapsed / ExhaustionForecast.DriftMemorySeconds);
    }

    /// <summary>The drift after one more reading that could not be explained.</summary>
    public PoolDrift Add(double amount, double expected, double observed, double inFlight, DateTimeOffset at,
        long reading) =>
        new(Count + 1, amount, expected, observed, inFlight, at, reading, LevelAt(at) + amount);
}
