namespace Ratelord.Core.Forecasting;

/// <summary>
/// A model's belief about a pool's burn: consumption over the next <c>s</c> seconds is taken as normal
/// with mean <c>Mean·s</c> (plus the trend's share) and variance <c>RateVariance·s² + Diffusion·s</c>.
/// </summary>
/// <param name="Mean">Burn rate now, units per second.</param>
/// <param name="RateVariance">Uncertainty of that rate (units/s)²; its share of the variance grows with s².</param>
/// <param name="Diffusion">
/// Variance of consumption per second of horizon (units²/s): the burstiness of the traffic itself,
/// whose share of the variance grows with s.
/// </param>
/// <param name="EvidenceSeconds">Weighted seconds of usage evidence behind the estimate.</param>
/// <param name="ColdStart">True when the estimate is the pessimistic prior rather than the evidence.</param>
public sealed record BurnEstimate(
    double Mean,
    double RateVariance,
    double Diffusion,
    double EvidenceSeconds,
    bool ColdStart)
{
    /// <summary>Change of the burn rate per second (units/s²), for models that see a trend; 0 otherwise.</summary>
    public double Trend { get; init; }

    /// <summary>How far ahead the trend is followed before the rate is held where it got to.</summary>
    public double TrendHorizonSeconds { get; init; }

    /// <summary>
    /// How fast the rate itself wanders, as a variance per second ((units/s)²/s): a rate that moves as a
    /// random walk adds <c>RateDrift·s³/3</c> to the variance of the consumption over s.
    /// </summary>
    public double RateDrift { get; init; }

    /// <summary>Factor on the variance by horizon, from the model's own errors on the pool's history; null for
    /// none.</summary>
    public VarianceScale? Scale { get; init; }

    /// <summary>The expected consumption over the next <paramref name="seconds"/>, never negative.</summary>
    public double MeanConsumption(double seconds)
    {
        if (Trend == 0 || TrendHorizonSeconds <= 0)
        {
            return Mean * seconds;
        }

        // The rate follows the trend for TrendHorizonSeconds, never below zero, then stays put.
        var ramp = Math.Min(seconds, TrendHorizonSeconds);
        var ramped = Trend >= 0 || Mean <= 0
            ? Math.Max(0, (Mean * ramp) + (0.5 * Trend * ramp * ramp))
            : RampDown(ramp);
        var held = Math.Max(0, Mean + (Trend * TrendHorizonSeconds));

        return ramped + (held * Math.Max(0, seconds - TrendHorizonSeconds));
    }

    private double RampDown(double ramp)
    {
        var untilZero = Math.Min(ramp, -Mean / Trend);

        return (Mean * untilZero) + (0.5 * Trend * untilZero * untilZero);
    }

    /// <summary>Variance of the consumption over the next <paramref name="seconds"/>.</summary>
    public double ConsumptionVariance(double seconds) =>
        ((RateVariance * seconds * seconds) + (Diffusion * seconds) + (RateDrift * seconds * seconds * seconds / 3))
        * (Scale?.At(seconds) ?? 1);
}
