namespace Ratelord.Core.Forecasting;

/// <summary>
/// The second opinion: a weighted least-squares line through the burn rates of the recent usage
/// samples, read at the present and followed (for a while) into the future.
/// </summary>
/// <remarks>
/// The samples of the last <see cref="LookbackSeconds"/> of event time are fitted as
/// <c>rate(t) = a + b·t</c> (t ≤ 0 is the past), each weighted by its length, since a sample's rate is
/// as noisy as its interval is short. The rate now is <c>a</c>; the trend <c>b</c> is followed for half
/// the lookback and then held, because a line says nothing about what lies further than it was fitted;
/// and within that it may halve or double the rate, never end it.
/// Burstiness is the residual variance per second; the rate's uncertainty comes from the fit's standard
/// errors. Fewer than three samples, or less than <see cref="MinEvidenceSeconds"/>, leave the prior.
/// </remarks>
public sealed class TrendRegressionModel : IForecastModel
{
    /// <summary>How far back the line is fitted.</summary>
    public const double LookbackSeconds = 1200;

    /// <summary>Evidence below which the prior rules.</summary>
    public const double MinEvidenceSeconds = 120;

    /// <summary>Model id and version; the version changes whenever the same input could forecast differently.</summary>
    public const string ModelId = "trend-regression/1";

    /// <inheritdoc />
    public string Id => ModelId;

    /// <inheritdoc />
    public PoolForecast Forecast(ForecastInput input)
    {
        ArgumentNullException.ThrowIfNull(input);

        return ExhaustionForecast.Build(Id, input, Estimate(input));
    }

    /// <summary>The burn the recent samples of <paramref name="input"/> show, or the prior.</summary>
    public static BurnEstimate Estimate(ForecastInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var samples = input.Samples;
        if (samples.Count == 0)
        {
            return ExhaustionForecast.Prior(input);
        }

        var end = samples[^1].At;
        double weight = 0;
        double sumT = 0;
        double sumTT = 0;
        double units = 0;
        double unitsT = 0;
        var points = new List<(double Time, double Amount, double Seconds)>();
        foreach (var sample in samples)
        {
            var midpoint = (sample.At - end).TotalSeconds - (sample.Seconds / 2);
            if (sample.Censored || sample.Seconds <= 0 || midpoint < -LookbackSeconds)
            {
                continue;
            }

            points.Add((midpoint, sample.Amount, sample.Seconds));
            weight += sample.Seconds;
            sumT += sample.Seconds * midpoint;
            sumTT += sample.Seconds * midpoint * midpoint;
            units += sample.Amount;
            unitsT += sample.Amount * midpoint;
        }

        var determinant = (weight * sumTT) - (sumT * sumT);
        if (points.Count < 3 || weight < MinEvidenceSeconds || determinant <= 0)
        {
            return ExhaustionForecast.Prior(input);
        }

        var trend = ((weight * unitsT) - (sumT * units)) / determinant;
        var level = (units - (trend * sumT)) / weight;
        double residuals = 0;
        foreach (var (time, amount, seconds) in points)
        {
            var error = amount - ((level + (trend * time)) * seconds);
            residuals += error * error / seconds;
        }

        var mean = Math.Max(0, level);

        // A line fitted over twenty minutes is trusted to halve or double the rate, not to end it.
        trend = Math.Clamp(trend, -0.5 * mean / (LookbackSeconds / 2), mean / (LookbackSeconds / 2));
        var diffusion = Math.Max(residuals / Math.Max(1, points.Count - 2), mean);
        var horizon = LookbackSeconds / 2;
        var levelVariance = diffusion * sumTT / determinant;
        var trendVariance = diffusion * weight / determinant;

        return new BurnEstimate(mean, levelVariance + (trendVariance * horizon * horizon), diffusion, weight, false)
        {
            Trend = trend,
            TrendHorizonSeconds = horizon,
        };
    }
}
