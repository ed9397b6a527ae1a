namespace Ratelord.Core.Forecasting.Backtesting;

/// <summary>The shapes of demand the backtest replays.</summary>
public enum TraceKind
{
    /// <summary>Unit calls at a constant rate, near what the pool allows.</summary>
    Steady,

    /// <summary>Bursts of many calls at random moments over a light background.</summary>
    Bursty,

    /// <summary>A rate that rises and falls over the day.</summary>
    Diurnal,

    /// <summary>A rate that jumps between levels at random times.</summary>
    StepChange,

    /// <summary>Ratelord's agents at a steady rate, and a consumer it cannot see switching on and off.</summary>
    HiddenConsumer,

    /// <summary>A rolling window: capacity comes back as old consumption leaves the window.</summary>
    RollingWindow,
}

/// <summary>
/// One seeded usage trace: demand per second on one pool, the share of it that Ratelord's own intents
/// account for, and the pool's shape.
/// </summary>
/// <param name="Name">Name in the report.</param>
/// <param name="Kind">Its shape.</param>
/// <param name="Seed">Seed of the generator.</param>
/// <param name="Limit">Capacity of the window.</param>
/// <param name="WindowSeconds">Length of the window.</param>
/// <param name="Rolling">True for a rolling window, false for fixed windows.</param>
/// <param name="FirstResetSecond">Second of the first reset of a fixed window (the trace starts mid-window).</param>
/// <param name="ScoredSeconds">Seconds in which forecasts are made and scored; the rest is the future they are scored
/// on.</param>
/// <param name="Demand">Units wanted in each second, by everyone.</param>
/// <param name="Accounted">Units of <paramref name="Demand"/> that Ratelord's own intents want, or null when none
/// do.</param>
public sealed record Trace(
    string Name,
    TraceKind Kind,
    int Seed,
    double Limit,
    int WindowSeconds,
    bool Rolling,
    int FirstResetSecond,
    int ScoredSeconds,
    double[] Demand,
    double[]? Accounted);
