using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;

namespace Ratelord.Core.Forecasting.Backtesting;

/// <summary>
/// Replays a trace through the real projection, as the daemon would see it (a reading every
/// <see cref="ReadingSeconds"/>, and settlement charges for the accounted share every
/// <see cref="ChargeSeconds"/>), asks each model for a forecast after every reading, and scores the
/// forecasts against what the trace did next. A naive baseline is scored in the same run.
/// </summary>
public static class Backtest
{
    /// <summary>Seconds between two provider readings.</summary>
    public const int ReadingSeconds = 60;

    /// <summary>Seconds between two settlement charges of the accounted share.</summary>
    public const int ChargeSeconds = 10;

    /// <summary>Name of the naive baseline in reports: remaining over the average rate since the window
    /// began.</summary>
    public const string NaiveName = "naive";

    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly PoolKey Key = new("backtest", "core", "backtest");

    /// <summary>Runs every trace kind from <paramref name="seed"/> through <paramref name="models"/>.</summary>
    public static IReadOnlyList<TraceScore> RunAll(IReadOnlyList<IForecastModel> models, int seed, double hours) =>
        [.. TraceGenerator.Kinds.Select(kind => Run(TraceGenerator.Generate(kind, seed, hours), models))];

    /// <summary>Replays one trace and scores every model and the baseline on it.</summary>
    public static TraceScore Run(Trace trace, IReadOnlyList<IForecastModel> models)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(models);
        var state = new RatelordState();
        var pool = new Replay(trace);
        var scores = models.Select(m => new ScoreBuilder(m.Id)).ToList();
        var naive = new ScoreBuilder(NaiveName);
        long position = 0;
        double charged = 0;
        for (var t = 1; t <= trace.ScoredSeconds; t++)
        {
            pool.Step(t);
            var at = Start.AddSeconds(t);
            if (trace.Accounted is not null && t % ChargeSeconds == 0)
            {
                var amount = pool.AccountedConsumed - charged;
                charged = pool.AccountedConsumed;
                state.Apply(Envelope(++position, at, new IntentSettled(Guid.Empty, SettlementOutcomes.Completed, amount,
                    200,
                    [new PoolCharge(Key, amount)])));
            }

            if (t % ReadingSeconds != 0)
            {
                continue;
            }

            var reading = pool.Reading(t);
            state.Apply(Envelope(++position, at, new ProviderObserved(
                Key.Provider, Key.Owner, "backtest", 200, false, null, null, [reading], null)));
            if (reading.Remaining is not > 0)
            {
                continue;
            }

            var truth = pool.Truth(t, reading);
            var projected = state.Pools.Find(Key)!;
            for (var m = 0; m < models.Count; m++)
            {
                scores[m].Add(PoolForecaster.Forecast(projected, at, models[m]), truth);
            }

            naive.Add(pool.Naive(t, reading), truth);
        }

        return new TraceScore(trace.Name, [.. scores.Select(s => s.Build()), naive.Build()]);
    }

    private static EventEnvelope Envelope(long position, DateTimeOffset at, RatelordEvent payload) =>
        new(Guid.Empty, position, at, at, EventDimensions.System, Guid.Empty, null, Key.Provider, Key.Pool, payload);

    /// <summary>What happened after a forecast: when the pool really ran dry, and whether before the horizon.</summary>
    /// <param name="ExhaustedAfter">Seconds until the pool ran dry, or +∞ if not within the trace.</param>
    /// <param name="Horizon">The horizon its p_exhaustion is over.</param>
    internal readonly record struct Truth(double ExhaustedAfter, double Horizon)
    {
        public bool Exhausted => ExhaustedAfter <= Horizon;
    }

    /// <summary>The pool under the trace's demand: what was consumed, what readings say, and the truth.</summary>
    private sealed class Replay(Trace trace)
    {
        private readonly double[] _consumed = new double[trace.Demand.Length];
        private double _windowUsed;
        private int _windowEnd = trace.FirstResetSecond;

        public double AccountedConsumed { get; private set; }

        /// <summary>Second <paramref name="t"/>: demand is served while the pool has room.</summary>
        public void Step(int t)
        {
            if (trace.Rolling)
            {
                if (t - trace.WindowSeconds >= 0)
                {
                    _windowUsed -= _consumed[t - trace.WindowSeconds];
                }
            }
            else if (t >= _windowEnd)
            {
                _windowUsed = 0;
                _windowEnd += trace.WindowSeconds;
            }

            var served = Math.Min(trace.Demand[t], Math.Max(0, trace.Limit - _windowUsed));
            _consumed[t] = served;
            _windowUsed += served;
            if (trace.Accounted is { } accounted)
            {
                // Ratelord's agents are served first; the outside consumer gets what is left.
                AccountedConsumed += Math.Min(accounted[t], served);
            }
        }

        public PoolObservation Reading(int t)
        {
            var remaining = Math.Max(0, trace.Limit - _windowUsed);
            if (!trace.Rolling)
            {
                return new PoolObservation("core", Key.Owner, trace.Limit, remaining, _windowUsed, _windowEnd - t,
                    null);
            }

            // A rolling window is full again once its newest consumption has left it.
            var newest = t;
            while (newest > t - trace.WindowSeconds && newest > 0 && _consumed[newest] == 0)
            {
                newest--;
            }

            var full = newest > t - trace.WindowSeconds && newest > 0 ? newest + trace.WindowSeconds - t : 0;

            return new PoolObservation("core", Key.Owner, trace.Limit, remaining, _windowUsed, full,
                trace.WindowSeconds);
        }

        /// <summary>When demand after <paramref name="t"/> would first have emptied the pool.</summary>
        public Truth Truth(int t, PoolObservation reading)
        {
            var end = trace.Demand.Length - 1;
            if (!trace.Rolling)
            {
                double wanted = 0;
                for (var u = t + 1; u <= end; u++)
                {
                    wanted += trace.Demand[u];
                    if (wanted >= reading.Remaining)
                    {
                        return new Truth(u - t, reading.ResetInSeconds!.Value);
                    }
                }

                return new Truth(double.PositiveInfinity, reading.ResetInSeconds!.Value);
            }

            var used = _windowUsed;
            for (var u = t + 1; u <= end; u++)
            {
                var leaving = u - trace.WindowSeconds;
                if (leaving > 0)
                {
                    used -= leaving <= t ? _consumed[leaving] : trace.Demand[leaving];
                }

                used += trace.Demand[u];
                if (used >= trace.Limit)
                {
                    return new Truth(u - t, trace.WindowSeconds);
                }
            }

            return new Truth(double.PositiveInfinity, trace.WindowSeconds);
        }

        /// <summary>Remaining over the average rate since the window began; certain either way.</summary>
        public PoolForecast Naive(int t, PoolObservation reading)
        {
            var remaining = reading.Remaining!.Value;
            var used = trace.Limit - remaining;
            var elapsed = trace.Rolling ? trace.WindowSeconds : trace.WindowSeconds - reading.ResetInSeconds!.Value;
            var horizon = trace.Rolling ? trace.WindowSeconds : reading.ResetInSeconds!.Value;
            var rate = elapsed > 0 ? used / elapsed : 0;
            double? tte = rate > 0 ? remaining / rate : null;
            var p = tte <= horizon ? 1 : 0;

            return new PoolForecast(
                NaiveName,
                Start.AddSeconds(t),
                new BurnRate(rate, 0),
                new TimeToExhaustion(tte, tte, tte),
                reading.ResetInSeconds,
                p,
                tte - horizon,
                "naive",
                false,
                PoolStatus.Unknown,
                remaining,
                horizon);
        }
    }
}
