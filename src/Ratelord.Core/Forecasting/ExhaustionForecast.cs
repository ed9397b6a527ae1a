namespace Ratelord.Core.Forecasting;

/// <summary>
/// Turns a model's <see cref="BurnEstimate"/> into a forecast: time-to-exhaustion quantiles, the
/// probability of running dry before the reset, the margin and the risk band. Every model shares
/// it, so models differ only in how they estimate the burn, never in how risk is read from it.
/// </summary>
/// <remarks>
/// <para>
/// Fixed windows: consumption never goes back, so the pool is dry by time <c>s</c> exactly when the
/// consumption over <c>s</c> reaches what is available. With consumption over <c>s</c> normal (mean
/// from the estimate, variance <c>RateVariance·s² + Diffusion·s</c> and more, see
/// <see cref="BurnEstimate.ConsumptionVariance"/>), the TTE quantile Pq solves
/// P(consumption over Pq ≥ available) = 1 − q, and p_exhaustion is that probability at the reset.
/// </para>
/// <para>
/// Pools that refill continuously: the net drain (burn less refill) is a Brownian motion with drift,
/// whose first passage through the available capacity has a closed form (inverse Gaussian); the
/// uncertainty of the burn rate is integrated out by Gauss–Hermite quadrature. When refill outpaces
/// the burn the first passage may never happen, and the quantiles it does not reach are null.
/// </para>
/// </remarks>
public static class ExhaustionForecast
{
    /// <summary>p_exhaustion from which a pool is <see cref="PoolStatus.Warn"/>.</summary>
    public const double WarnAt = 0.25;

    /// <summary>p_exhaustion from which a pool is <see cref="PoolStatus.Critical"/>.</summary>
    public const double CriticalAt = 0.75;

    /// <summary>Horizon of p_exhaustion when neither a reset nor a window length is known.</summary>
    public const double DefaultHorizonSeconds = 3600;

    /// <summary>Time over which unexplained consumption (drift) fades from the forecast's uncertainty.</summary>
    public const double DriftMemorySeconds = 1800;

    /// <summary>Deviation of the outside consumer's rate, as a share of the rate drift showed.</summary>
    public const double DriftDoubt = 0.5;

    /// <summary>Longest time to exhaustion reported; beyond it the pool is taken not to run dry.</summary>
    private const double LongestSeconds = 1L << 40;

    /// <summary>A reading older than this makes the forecast stale (flagged, and visibly wider).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    /// <summary>A reading older than this leaves the pool's status <see cref="PoolStatus.Unknown"/>.</summary>
    public static readonly TimeSpan UnknownAfter = TimeSpan.FromMinutes(30);

    /// <summary>Builds the forecast of <paramref name="input"/> from the burn a model estimated.</summary>
    public static PoolForecast Build(string model, ForecastInput input, BurnEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(estimate);
        var flags = new List<string>();
        if (estimate.ColdStart)
        {
            flags.Add(ForecastFlags.ColdStart);
        }

        var burn = Widen(input, estimate, flags);
        var horizon = HorizonOf(input, flags);
        var confidence = ConfidenceOf(estimate);
        var stale = input.SecondsSinceObservation is not { } age || age > StaleAfter.TotalSeconds;
        var rate = new BurnRate(burn.Mean, Math.Sqrt(burn.RateVariance));
        if (input.Available is not { } available)
        {
            flags.Add(ForecastFlags.NoReading);

            return new PoolForecast(
                model,
                input.Now,
                rate,
                new TimeToExhaustion(null, null, null),
                input.SecondsToReset,
                null,
                null,
                confidence,
                stale,
                PoolStatus.Unknown,
                null,
                horizon,
                input.Refill,
                flags);
        }

        var exhaustion = new Exhaustion(available, burn,
            input.Refill == RefillKind.Continuous ? input.RefillPerSecond : null);
        var p50 = exhaustion.Quantile(0.5);
        var p90 = Min(exhaustion.Quantile(0.10), p50);
        var p99 = Min(exhaustion.Quantile(0.01), p90);
        var pExhaustion = Math.Clamp(exhaustion.ProbabilityBy(horizon), 0, 1);
        double? margin = p99 is { } shortest ? shortest - horizon : null;

        return new PoolForecast(
            model,
            input.Now,
            rate,
            new TimeToExhaustion(p50, p90, p99),
            input.SecondsToReset,
            pExhaustion,
            margin,
            confidence,
            stale,
            StatusOf(input, available, pExhaustion),
            available,
            horizon,
            input.Refill,
            flags);
    }

    /// <summary>The prior a model falls back on with too little history: the limit spread over the window.</summary>
    public static BurnEstimate Prior(ForecastInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var capacity = input.Limit ?? input.Available ?? 0;
        var span = input.WindowSeconds ?? input.SecondsToReset ?? DefaultHorizonSeconds;
        var rate = span > 0 ? capacity / span : capacity;

        // As uncertain as it is large: the pool may be idle, or burn twice as fast.
        return new BurnEstimate(rate, rate * rate, rate, 0, ColdStart: true);
    }

    /// <summary>Drift and staleness widen the rate's uncertainty; repeated drift keeps it wide.</summary>
    private static BurnEstimate Widen(ForecastInput input, BurnEstimate estimate, List<string> flags)
    {
        var rateVariance = estimate.RateVariance;
        // The outside consumer's burn is in the samples already; what drift adds is doubt about it: it may
        // stop, or double. Half its recent rate is taken as the deviation of that doubt.
        var driftRate = DriftDoubt * input.DriftLevel / DriftMemorySeconds;
        if (input.DriftLevel >= 1)
        {
            rateVariance += driftRate * driftRate;
            flags.Add(ForecastFlags.Drift);
        }

        if (input.SecondsSinceObservation is { } age)
        {
            // Unseen consumption may have changed the rate: by up to all of it once the pool is unknown.
            var share = Math.Min(1, age / UnknownAfter.TotalSeconds);
            rateVariance += estimate.Mean * share * estimate.Mean * share;
            if (age > StaleAfter.TotalSeconds)
            {
                flags.Add(ForecastFlags.Stale);
            }
        }

        return estimate with { RateVariance = rateVariance };
    }

    private static double HorizonOf(ForecastInput input, List<string> flags)
    {
        if (input.Refill == RefillKind.Continuous)
        {
            return input.WindowSeconds ?? input.SecondsToReset ?? DefaultHorizonSeconds;
        }

        if (input.SecondsToReset is { } ttr)
        {
            return ttr;
        }

        // Pessimistic: nothing comes back within the horizon.
        flags.Add(ForecastFlags.ResetUnknown);

        return input.WindowSeconds ?? DefaultHorizonSeconds;
    }

    private static string ConfidenceOf(BurnEstimate estimate) => estimate switch
    {
        { ColdStart: true } => "prior",
        { EvidenceSeconds: < 600 } => "low",
        { EvidenceSeconds: < 1800 } => "medium",
        _ => "high",
    };

    private static PoolStatus StatusOf(ForecastInput input, double available, double pExhaustion)
    {
        if (input.SecondsSinceObservation is not { } age || age > UnknownAfter.TotalSeconds)
        {
            return PoolStatus.Unknown;
        }

        if (available <= 0 || pExhaustion >= CriticalAt)
        {
            return PoolStatus.Critical;
        }

        return pExhaustion >= WarnAt ? PoolStatus.Warn : PoolStatus.Ok;
    }

    private static double? Min(double? value, double? bound) =>
        value is { } v && bound is { } b ? Math.Min(v, b) : value ?? bound;

    /// <summary>The distribution of the time until <c>available</c> is spent.</summary>
    private readonly struct Exhaustion(double available, BurnEstimate burn, double? refillPerSecond)
    {
        /// <summary>P(T ≤ seconds).</summary>
        public double ProbabilityBy(double seconds)
        {
            if (available <= 0)
            {
                return seconds > 0 || refillPerSecond is null ? 1 : 0;
            }

            if (seconds <= 0)
            {
                return 0;
            }

            return refillPerSecond is { } refill ? FirstPassage(seconds, refill) : Reached(seconds);
        }

        /// <summary>The time by which exhaustion has happened with probability <paramref
        /// name="probability"/>.</summary>
        /// <remarks>
        /// Bisection inside a bracket found by doubling from one second: the bracket does not depend on
        /// the inputs, so the result is monotone in them (more available never gives a shorter time, a
        /// higher burn never a longer one) to the precision of the probabilities it bisects on.
        /// </remarks>
        public double? Quantile(double probability)
        {
            if (available <= 0)
            {
                return 0;
            }

            double low = 0;
            double high = 1;
            while (ProbabilityBy(high) < probability)
            {
                low = high;
                high *= 2;
                if (high > LongestSeconds)
                {
                    return null;
                }
            }

            for (var i = 0; i < 200 && high - low > 1e-9 * high; i++)
            {
                var middle = 0.5 * (low + high);
                if (ProbabilityBy(middle) >= probability)
                {
                    high = middle;
                }
                else
                {
                    low = middle;
                }
            }

            return high;
        }

        /// <summary>P(consumption over <paramref name="seconds"/> ≥ available), the consumption normal.</summary>
        private double Reached(double seconds)
        {
            var shortfall = available - burn.MeanConsumption(seconds);
            var variance = burn.ConsumptionVariance(seconds);
            if (variance <= 0)
            {
                return shortfall <= 0 ? 1 : 0;
            }

            return Normal.Cdf(-shortfall / Math.Sqrt(variance));
        }

        private double FirstPassage(double seconds, double refill)
        {
            // The net drain's uncertainty is the rate's, plus how far it may wander over the horizon
            // (a wandering rate integrates to the variance of a fixed one of RateDrift·s/3).
            var spread = Math.Sqrt(burn.RateVariance + (burn.RateDrift * seconds / 3));
            double probability = 0;
            for (var k = 0; k < Normal.HermiteNodes.Length; k++)
            {
                var drift = burn.Mean + (spread * Normal.HermiteNodes[k]) - refill;
                probability += Normal.HermiteWeights[k] * InverseGaussianCdf(seconds, drift, burn.Diffusion);
            }

            return probability;
        }

        /// <summary>P(a Brownian motion with this drift and variance per second reaches <c>available</c> by
        /// s).</summary>
        private double InverseGaussianCdf(double seconds, double drift, double variance)
        {
            var scale = Math.Sqrt(Math.Max(0, variance) * seconds);
            if (scale <= 1e-9 * available)
            {
                // No spread worth the name: the drain is as certain as its drift.
                return drift > 0 && drift * seconds >= available ? 1 : 0;
            }

            var direct = Normal.Cdf(((drift * seconds) - available) / scale);
            var reflection = Normal.LogCdf((-available - (drift * seconds)) / scale);
            var reflected = Math.Exp((2 * drift * available / variance) + reflection);

            return Math.Clamp(direct + reflected, 0, 1);
        }
    }
}
