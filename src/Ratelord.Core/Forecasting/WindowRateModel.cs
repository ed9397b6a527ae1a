namespace Ratelord.Core.Forecasting;

/// <summary>
/// The first forecast model: an exponentially weighted mean and variance of the burn rate over the
/// recent usage samples, with normal quantiles for the time to exhaustion. A pool with fewer than
/// two samples is judged from a pessimistic prior: its whole limit spread over what is left of
/// the window.
/// </summary>
public sealed class WindowRateModel : IForecastModel
{
    // One-sided normal quantiles: a P90 time to exhaustion uses the 90th percentile burn rate.
    private const double Z90 = 1.2815515655446004;
    private const double Z99 = 2.3263478740408408;

    /// <summary>Weight of the newest sample in the moving averages.</summary>
    private const double Alpha = 0.3;

    /// <summary>An observation older than this makes the forecast stale.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    /// <summary>An observation older than this makes the pool's status unknown.</summary>
    public static readonly TimeSpan UnknownAfter = TimeSpan.FromMinutes(30);

    public string Id => "window-rate/1";

    public PoolForecast Forecast(ForecastInput input)
    {
        var (mean, stdDev, confidence) = EstimateRate(input);
        var available = input.Available;
        var ttr = input.SecondsToReset;

        TimeToExhaustion tte = available is { } a
            ? new TimeToExhaustion(TimeAt(a, mean), TimeAt(a, mean + (Z90 * stdDev)), TimeAt(a, mean + (Z99 * stdDev)))
            : new TimeToExhaustion(null, null, null);
        var pExhaustion = ProbabilityOfExhaustion(available, ttr, mean, stdDev);
        double? margin = tte.P99Seconds is { } p99 && ttr is { } t ? p99 - t : null;
        var age = input.SecondsSinceObservation;
        var stale = age is null || age > StaleAfter.TotalSeconds;
        var status = StatusOf(input, pExhaustion, age);

        return new PoolForecast(
            Id,
            input.Now,
            new BurnRate(mean, stdDev),
            tte,
            ttr,
            pExhaustion,
            margin,
            stale ? "stale" : confidence,
            stale,
            status);
    }

    private static (double Mean, double StdDev, string Confidence) EstimateRate(ForecastInput input)
    {
        if (input.Samples.Count < 2)
        {
            // Cold start: assume the whole limit may be spent before the reset.
            var prior = input.Limit is { } limit && input.SecondsToReset is > 0 and var ttr ? limit / ttr : 0;

            return (prior, prior / 2, "prior");
        }

        double mean = 0;
        double variance = 0;
        var first = true;
        foreach (var sample in input.Samples)
        {
            var rate = sample.Seconds > 0 ? sample.Amount / sample.Seconds : 0;
            if (first)
            {
                mean = rate;
                first = false;
                continue;
            }

            var delta = rate - mean;
            mean += Alpha * delta;
            variance = (1 - Alpha) * (variance + (Alpha * delta * delta));
        }

        return (Math.Max(0, mean), Math.Sqrt(variance), "measured");
    }

    private static double? TimeAt(double available, double rate) =>
        available <= 0 ? 0 : rate > 0 ? available / rate : null;

    private static double? ProbabilityOfExhaustion(double? available, double? ttr, double mean, double stdDev)
    {
        if (available is not { } a)
        {
            return null;
        }

        if (a <= 0)
        {
            return 1;
        }

        if (ttr is not { } t)
        {
            return mean > 0 ? 1 : null;
        }

        if (t <= 0)
        {
            return 0;
        }

        // The pool runs dry before the reset when the rate exceeds available / ttr.
        var threshold = a / t;
        if (stdDev <= 1e-12)
        {
            return mean > threshold ? 1 : 0;
        }

        return 1 - NormalCdf((threshold - mean) / stdDev);
    }

    private static PoolStatus StatusOf(ForecastInput input, double? pExhaustion, double? age)
    {
        if (input.Available is null || age is null || age > UnknownAfter.TotalSeconds)
        {
            return PoolStatus.Unknown;
        }

        if (input.Available <= 0 || pExhaustion > 0.9)
        {
            return PoolStatus.Critical;
        }

        var remainingShare = input.Limit is > 0 and var limit ? input.Available / limit : null;

        return pExhaustion > 0.5 || remainingShare < 0.1 ? PoolStatus.Warn : PoolStatus.Ok;
    }

    /// <summary>Standard normal distribution function (Abramowitz and Stegun 7.1.26, error below 1.5e-7).</summary>
    internal static double NormalCdf(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + (0.3275911 * x));
        var poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        var erf = 1 - (poly * Math.Exp(-x * x));

        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
