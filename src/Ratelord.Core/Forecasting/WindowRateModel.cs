namespace Ratelord.Core.Forecasting;

/// <summary>
/// The decision model: exponentially weighted burn rates over two windows of event time, a fast one
/// that sees a spike at once and a slow one for the baseline, with their variances.
/// </summary>
/// <remarks>
/// <para>
/// Each window is a continuous-time average: a sample of <c>x</c> units over <c>Δ</c> seconds enters as
/// <c>N ← N·e^(−Δ/τ) + x</c> and <c>W ← W·e^(−Δ/τ) + Δ</c>, and the rate is <c>N / W</c>. Irregular
/// intervals weigh as long as they last, a burst of charges a millisecond apart counts by its units,
/// and the open interval since the last sample decays both rates toward zero: silence, measured by
/// event time, is evidence of no consumption.
/// </para>
/// <para>
/// The rate is the slow one, moved toward the fast one by how far their gap exceeds what noise
/// explains. Its uncertainty adds the estimator's own variance to the excess of that gap over noise,
/// averaged over an hour: a pool whose demand shifts keeps wider bounds than one that is steady.
/// The burstiness (variance per second) is the weighted mean of the squared one-step prediction errors,
/// never below a unit-cost Poisson process of the same rate.
/// </para>
/// </remarks>
public sealed class WindowRateModel : IForecastModel
{
    /// <summary>Time constant of the fast window.</summary>
    public const double FastSeconds = 300;

    /// <summary>Time constant of the slow window.</summary>
    public const double SlowSeconds = 1800;

    /// <summary>Time constant over which shifts in demand are remembered.</summary>
    public const double ShiftSeconds = 3600;

    /// <summary>How far ahead a trend read from the two windows is followed before the rate is held.</summary>
    public const double TrendSeconds = 1800;

    /// <summary>
    /// Memory of the squared prediction errors that measure burstiness: long, because bursty traffic has
    /// heavy tails and a short memory would mostly miss the bursts that matter.
    /// </summary>
    public const double BurstinessSeconds = 7200;

    /// <summary>Span over which the slope of the slow rate is read.</summary>
    public const double SlopeSeconds = 3600;

    /// <summary>Memory of how far the slow rate wandered over each span.</summary>
    public const double WanderMemorySeconds = 3 * 3600;

    /// <summary>Weighted evidence below which the prior rules.</summary>
    public const double MinEvidenceSeconds = 120;

    /// <summary>Model id and version; the version changes whenever the same input could forecast differently.</summary>
    public const string ModelId = "window-rate/2";

    /// <inheritdoc />
    public string Id => ModelId;

    /// <inheritdoc />
    public PoolForecast Forecast(ForecastInput input)
    {
        ArgumentNullException.ThrowIfNull(input);

        return ExhaustionForecast.Build(Id, input, Estimate(input));
    }

    /// <summary>The burn the samples of <paramref name="input"/> show, or the prior when they show too
    /// little.</summary>
    public static BurnEstimate Estimate(ForecastInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var fast = default(Window);
        var slow = default(Window);
        double errors = 0;
        double errorWeight = 0;
        double shifts = 0;
        double shiftWeight = 0;
        var measured = 0;
        var calibration = new ErrorCalibration();
        var history = new List<(double Time, double Rate)>();
        double time = 0;
        double wander = 0;
        double wanderWeight = 0;
        foreach (var sample in input.Samples)
        {
            if (sample.Seconds <= 0)
            {
                continue;
            }

            time += sample.Seconds;
            if (sample.Censored)
            {
                calibration.Break(sample.Seconds);
                continue;
            }

            var x = sample.Amount;
            var seconds = sample.Seconds;
            if (slow.Weight > 0)
            {
                var error = x - (slow.Rate * seconds);
                var decay = Math.Exp(-seconds / BurstinessSeconds);
                errors = (errors * decay) + (error * error);
                errorWeight = (errorWeight * decay) + seconds;
            }

            fast = fast.Add(x, seconds, FastSeconds);
            slow = slow.Add(x, seconds, SlowSeconds);
            var gap = fast.Rate - slow.Rate;
            var keep = Math.Exp(-seconds / ShiftSeconds);
            shifts = (shifts * keep) + (gap * gap * seconds);
            shiftWeight = (shiftWeight * keep) + seconds;
            measured++;
            history.Add((time, slow.Rate));
            var (slope, change) = Slope(history, slow, errors, errorWeight);
            if (change is { } squared)
            {
                var forget = Math.Exp(-seconds / WanderMemorySeconds);
                wander = (wander * forget) + (Math.Sqrt(squared) * seconds);
                wanderWeight = (wanderWeight * forget) + seconds;
            }

            var step = Combine(fast, slow, errors, errorWeight, shifts, shiftWeight, slope) with
            {
                RateDrift = RateDriftOf(wander, wanderWeight),
            };
            calibration.Add(x, seconds, step);
        }

        if (measured < 2 || slow.Weight < MinEvidenceSeconds)
        {
            return ExhaustionForecast.Prior(input);
        }

        return Combine(fast, slow, errors, errorWeight, shifts, shiftWeight, Slope(history, slow, errors,
            errorWeight).Slope) with
        {
            RateDrift = RateDriftOf(wander, wanderWeight),
            Scale = calibration.Build(),
        };
    }

    /// <summary>
    /// The slope of the slow rate over the last <see cref="SlopeSeconds"/>, shrunk toward zero as far as
    /// the slow rate's own noise could have made it: demand that ramps is followed, demand that only
    /// jitters is not.
    /// </summary>
    /// <summary>
    /// The rate's wander per second, from the mean absolute change of the slow rate over a span: the mean
    /// of the absolute change, not of its square, so that one step in demand (which the fast window and
    /// the calibration answer for) does not pass for hours of wandering. For a normal change
    /// E|Δ| = σ·√(2/π).
    /// </summary>
    private static double RateDriftOf(double wander, double weight)
    {
        if (weight <= 0)
        {
            return 0;
        }

        var meanChange = wander / weight;

        return Math.PI / 2 * meanChange * meanChange / SlopeSeconds;
    }

    /// <returns>The shrunk slope, and the squared change of the slow rate over the span beyond its noise.</returns>
    private static (double Slope, double? Change) Slope(
        List<(double Time, double Rate)> history,
        Window slow,
        double errors,
        double errorWeight)
    {
        var (now, rate) = history[^1];

        // Binary search: the last point at least a span before now.
        int low = 0;
        var high = history.Count - 1;
        var index = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (history[middle].Time <= now - SlopeSeconds)
            {
                index = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        if (index < 0)
        {
            return (0, null);
        }

        var (then, before) = history[index];
        var span = now - then;
        var slope = (rate - before) / span;
        var diffusion = Math.Max(errorWeight > 0 ? errors / errorWeight : 0, rate);
        var noise = 2 * diffusion * slow.Spread / (span * span);

        var change = (rate - before) * (rate - before);

        return (slope * slope * slope / ((slope * slope) + noise + 1e-18), Math.Max(0, change - (noise * span * span)));
    }

    /// <summary>The burn the two windows and the error and shift averages stand for at one point.</summary>
    private static BurnEstimate Combine(
        Window fast,
        Window slow,
        double errors,
        double errorWeight,
        double shifts,
        double shiftWeight,
        double slope)
    {
        var diffusion = Math.Max(errorWeight > 0 ? errors / errorWeight : 0, Math.Max(fast.Rate, slow.Rate));
        var fastVariance = diffusion * fast.Spread;
        var slowVariance = diffusion * slow.Spread;
        var gap = fast.Rate - slow.Rate;
        var noise = fastVariance + slowVariance;
        var toFast = (gap * gap) / ((gap * gap) + noise + 1e-12);

        // On a ramp the fast window lags by slope·τf: the rate is taken off that lag, and the slope
        // followed for a while.
        var trend = slope;
        var mean = Math.Max(0, slow.Rate + (toFast * gap) + (toFast * trend * FastSeconds));
        var estimator = ((1 - toFast) * (1 - toFast) * slowVariance) + (toFast * toFast * fastVariance);
        var shift = Math.Max(0, (shiftWeight > 0 ? shifts / shiftWeight : 0) - noise);

        return new BurnEstimate(mean, estimator + shift, diffusion, slow.Weight, ColdStart: false)
        {
            Trend = trend,
            TrendHorizonSeconds = TrendSeconds,
        };
    }

    /// <summary>One exponentially weighted window: units, weighted seconds, and the sum of squared weights.</summary>
    private readonly record struct Window(double Units, double Weight, double Squares)
    {
        public double Rate => Weight > 0 ? Units / Weight : 0;

        /// <summary>Variance of <see cref="Rate"/> per unit of burstiness: Σw²Δ / (ΣwΔ)².</summary>
        public double Spread => Weight > 0 ? Squares / (Weight * Weight) : 0;

        public Window Add(double units, double seconds, double tau)
        {
            var decay = Math.Exp(-seconds / tau);

            return new Window((Units * decay) + units, (Weight * decay) + seconds, (Squares * decay * decay) + seconds);
        }
    }
}
