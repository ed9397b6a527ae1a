using Ratelord.Core.Projections;

namespace Ratelord.Core.Forecasting;

/// <summary>Turns a pool's projected state into a forecast input at an instant, and asks a model.</summary>
public static class PoolForecaster
{
    /// <summary>Open intervals shorter than this are folded into the last sample rather than stand alone.</summary>
    private const double ShortestOpenSeconds = 1;

    /// <summary>The forecast of <paramref name="pool"/> at <paramref name="now"/> by <paramref
    /// name="model"/>.</summary>
    public static PoolForecast Forecast(PoolState pool, DateTimeOffset now, IForecastModel model)
    {
        ArgumentNullException.ThrowIfNull(model);

        return model.Forecast(InputOf(pool, now));
    }

    /// <summary>What a model is told about <paramref name="pool"/> at <paramref name="now"/>.</summary>
    public static ForecastInput InputOf(PoolState pool, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var view = pool.ViewAt(now);
        var window = view.WindowSeconds ?? pool.LearnedWindowSeconds;
        var resetAt = view.ResetAt ?? NextReset(pool, now, window);
        double? available = view.Remaining is { } remaining ? Math.Max(0, remaining - pool.Reserved) : null;
        double? ttr = resetAt is { } reset ? Math.Max(0, (reset - now).TotalSeconds) : null;
        double? age = pool.LastObservedAt is { } seen ? Math.Max(0, (now - seen).TotalSeconds) : null;
        var providerNow = pool.ProviderTime(now);

        return new ForecastInput(now, view.Limit, available, ttr, age, SamplesAt(pool, providerNow))
        {
            Refill = pool.Refill,
            WindowSeconds = window,
            RefillPerSecond = pool.Refill == RefillKind.Continuous ? RefillRate(view, ttr, window) : 0,
            DriftLevel = pool.Drift.LevelAt(providerNow),
        };
    }

    /// <summary>
    /// The closed samples and the interval still open at <paramref name="providerNow"/>: consumption seen
    /// since the last sample ended (or none, in silence, which decays the rates).
    /// </summary>
    private static List<UsageSample> SamplesAt(PoolState pool, DateTimeOffset providerNow)
    {
        var samples = new List<UsageSample>(pool.Samples.Count + 1);
        samples.AddRange(pool.Samples);
        if (pool.LastSampleTime is not { } start)
        {
            return samples;
        }

        var open = (providerNow - start).TotalSeconds;
        if (open >= ShortestOpenSeconds)
        {
            samples.Add(new UsageSample(providerNow, pool.PendingAmount, open, pool.PendingCensored));
        }
        else if (pool.PendingAmount > 0 && samples.Count > 0)
        {
            var last = samples[^1];
            samples[^1] = last with { Amount = last.Amount + pool.PendingAmount };
        }

        return samples;
    }

    /// <summary>
    /// Capacity a continuously refilling pool gets back per second: what is missing over the time the
    /// provider says it takes to be full again, or the limit over the window when it is full now.
    /// </summary>
    private static double RefillRate(PoolView view, double? ttr, double? window)
    {
        if (view.Limit is not { } limit)
        {
            return 0;
        }

        if (view.Remaining is { } remaining && ttr is > 0 and var seconds && remaining < limit)
        {
            return (limit - remaining) / seconds;
        }

        return window is > 0 and var length ? limit / length : 0;
    }

    private static DateTimeOffset? NextReset(PoolState pool, DateTimeOffset now, double? window)
    {
        if (pool.ResetAt is not { } reset || window is not > 0 || now < reset)
        {
            return null;
        }

        var periods = Math.Floor((now - reset).TotalSeconds / window.Value) + 1;

        return reset.AddSeconds(periods * window.Value);
    }
}
