namespace Ratelord.Core.Forecasting;

/// <summary>
/// What a forecast model says about one pool at one instant. Times are in seconds from
/// <see cref="AsOf"/>; a time to exhaustion of null means the pool does not run dry at the
/// forecast burn rate (a pool that refills as fast as it drains).
/// </summary>
/// <param name="Model">Id and version of the model that made it (<c>window-rate/2</c>).</param>
/// <param name="AsOf">The instant it describes.</param>
/// <param name="BurnRate">Consumption per second: mean and standard deviation.</param>
/// <param name="Tte">Time to exhaustion: P50 is the median, P99 the pessimistic bound (shortest).</param>
/// <param name="TtrSeconds">
/// Time to reset: for a fixed window until it restarts; for a pool that refills continuously until
/// it would be full again. Null when no reset was ever seen.
/// </param>
/// <param name="PExhaustion">Probability of running dry within <paramref name="HorizonSeconds"/>, in [0, 1].</param>
/// <param name="MarginSeconds">P99 time to exhaustion minus the horizon; negative means at risk.</param>
/// <param name="Confidence">How much evidence stands behind it: <c>prior</c>, <c>low</c>, <c>medium</c> or
/// <c>high</c>.</param>
/// <param name="Stale">True when the last reading is old enough to widen the forecast.</param>
/// <param name="Status">The risk band.</param>
/// <param name="Available">What the forecast starts from: remaining less what approved intents hold.</param>
/// <param name="HorizonSeconds">
/// The horizon of <paramref name="PExhaustion"/>: the time to reset for a fixed window, one window for a
/// pool that refills continuously, and a pessimistic default when the reset is unknown.
/// </param>
/// <param name="Refill">How the pool refills, as learned from its readings.</param>
/// <param name="Flags">Why the forecast is less than ordinary (see <see cref="ForecastFlags"/>); empty when it is
/// not.</param>
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
    PoolStatus Status,
    double? Available = null,
    double? HorizonSeconds = null,
    RefillKind Refill = RefillKind.Unknown,
    IReadOnlyList<string>? Flags = null);

/// <summary>Consumption per second: its mean and standard deviation.</summary>
public sealed record BurnRate(double Mean, double StdDev);

/// <summary>Time to exhaustion quantiles: P50 is the median, P99 the pessimistic bound (shortest).</summary>
public sealed record TimeToExhaustion(double? P50Seconds, double? P90Seconds, double? P99Seconds);

/// <summary>The health band of a pool.</summary>
public enum PoolStatus
{
    /// <summary>Nothing recent enough is known to judge it.</summary>
    Unknown,

    /// <summary>Exhaustion before the reset is unlikely (below <see cref="ExhaustionForecast.WarnAt"/>).</summary>
    Ok,

    /// <summary>Exhaustion before the reset is a real possibility.</summary>
    Warn,

    /// <summary>Exhaustion before the reset is likely, or the pool is empty now.</summary>
    Critical,
}

/// <summary>How a pool gets its capacity back.</summary>
public enum RefillKind
{
    /// <summary>No reset was ever seen: the forecast assumes none within its horizon.</summary>
    Unknown,

    /// <summary>All capacity returns at once when the window restarts (GitHub, X, Reddit).</summary>
    FixedWindow,

    /// <summary>Capacity trickles back as it is spent: rolling windows, token and leaky buckets.</summary>
    Continuous,
}

/// <summary>Reasons a forecast is less than ordinary, as they appear in <see cref="PoolForecast.Flags"/>.</summary>
public static class ForecastFlags
{
    /// <summary>Too little history: the burn rate is the pessimistic prior (the limit spread over the
    /// window).</summary>
    public const string ColdStart = "cold_start";

    /// <summary>No reset was ever seen: risk is judged over a default horizon, as if nothing came back.</summary>
    public const string ResetUnknown = "reset_unknown";

    /// <summary>The last reading is old: the bounds are wider than the evidence alone would make them.</summary>
    public const string Stale = "stale";

    /// <summary>Readings showed consumption that Ratelord's accounting cannot explain: the bounds are wider.</summary>
    public const string Drift = "drift";

    /// <summary>No reading gave the remaining capacity, so nothing can be forecast.</summary>
    public const string NoReading = "no_reading";
}
