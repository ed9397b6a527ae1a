using System.Text.Json;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Projections;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Forecasting;

/// <summary>
/// Forecasts depend on events only: every <c>forecast_computed</c> and <c>drift_detected</c> in the log
/// is recomputed exactly from the events before it, and a projection rebuilt from the log forecasts
/// exactly as the live one.
/// </summary>
public sealed class ForecastReplayTests
{
    private readonly EngineHarness _harness = new();

    [Fact]
    public void EveryRecordedForecast_IsRecomputedExactly_FromTheEventsBeforeIt()
    {
        RunScript();
        var log = _harness.Log;
        var forecasts = log.Where(e => e.Payload is ForecastComputed).ToList();
        Assert.True(forecasts.Count >= 5,
            $"The script records forecasts as they change; it recorded {forecasts.Count}.");

        var replayed = new RatelordState();
        var model = new RatelordOptions().ForecastModel;
        foreach (var envelope in log)
        {
            if (envelope.Payload is ForecastComputed recorded)
            {
                var pool = replayed.Pools.Find(recorded.Pool)!;
                var recomputed = PoolForecaster.Forecast(pool, envelope.IngestTime, model);
                Assert.Equal(Json(recorded.Forecast), Json(recomputed));
            }

            replayed.Apply(Roundtrip(envelope));
        }
    }

    [Fact]
    public void RecordedDrift_IsWhatTheReplayedProjectionJudges()
    {
        RunScript();
        var drifts = _harness.Log.Where(e => e.Payload is DriftDetected).ToList();
        Assert.NotEmpty(drifts);

        var replayed = new RatelordState();
        foreach (var envelope in _harness.Log)
        {
            replayed.Apply(Roundtrip(envelope));
            if (envelope.Payload is DriftDetected drift)
            {
                var pool = replayed.Pools.Find(drift.Pool)!;
                Assert.Equal(drift.Amount, pool.Drift.LastAmount);
                Assert.Equal(drift.Occurrences, pool.Drift.Count);
            }
        }
    }

    [Fact]
    public void RebuiltProjection_ForecastsExactlyAsTheLiveOne()
    {
        RunScript();
        var rebuilt = new RatelordEngine(new RatelordOptions());
        rebuilt.Rebuild(_harness.Log.Select(Roundtrip));

        foreach (var at in new[] { _harness.Now, _harness.Now.AddMinutes(3), _harness.Now.AddHours(2) })
        {
            foreach (var live in _harness.State.Pools.All)
            {
                var copy = rebuilt.State.Pools.Find(live.Key)!;
                foreach (var model in ForecastModels.All)
                {
                    Assert.Equal(Json(PoolForecaster.Forecast(live, at, model)), Json(PoolForecaster.Forecast(copy, at,
                        model)));
                }
            }
        }
    }

    [Fact]
    public void AfterAReset_TheForecastStartsOver_AndTheTimeToExhaustionGoesBackUp()
    {
        _harness.Register("pat:reset");
        for (var minute = 0; minute <= 20; minute++)
        {
            _harness.ObserveGitHub("pat:reset", 5000, 5000 - (200 * minute), TimeSpan.FromMinutes(25 - minute));
            _harness.Advance(TimeSpan.FromMinutes(1));
        }

        var before = PoolForecaster.Forecast(_harness.Pool("pat:reset"), _harness.Now, new WindowRateModel());
        _harness.Advance(TimeSpan.FromMinutes(5));
        var recorded = _harness.Log.Count;
        _harness.ObserveGitHub("pat:reset", 5000, 4900, TimeSpan.FromMinutes(59));
        var after = PoolForecaster.Forecast(_harness.Pool("pat:reset"), _harness.Now, new WindowRateModel());

        Assert.True(before.Tte.P50Seconds < 600, $"Before the reset the pool is nearly dry: {before.Tte.P50Seconds}.");
        Assert.True(after.Tte.P50Seconds > 1000, $"After it the pool is nearly full again: {after.Tte.P50Seconds}.");
        Assert.InRange(after.TtrSeconds!.Value, 58 * 60, 59 * 60);
        Assert.Contains(_harness.Log.Skip(recorded), e => e.Payload is ForecastComputed);
        Assert.Equal(3600, _harness.Pool("pat:reset").LearnedWindowSeconds!.Value, 0);
    }

    [Fact]
    public void ResetInstantThatMovesBeforeItComes_MarksAPoolThatRefillsContinuously()
    {
        _harness.Register("key:rolling", provider: "ietf");
        for (var minute = 0; minute < 10; minute++)
        {
            _harness.ObserveIetf("key:rolling", 600, 500 - (10 * minute), TimeSpan.FromSeconds(600),
                TimeSpan.FromSeconds(600));
            _harness.Advance(TimeSpan.FromMinutes(1));
        }

        var pool = _harness.State.Pools.All.Single(p => p.Key.Owner == "key:rolling");
        var forecast = PoolForecaster.Forecast(pool, _harness.Now, new WindowRateModel());

        Assert.Equal(RefillKind.Continuous, pool.Refill);
        Assert.Equal(RefillKind.Continuous, forecast.Refill);
        Assert.Equal(600, forecast.HorizonSeconds);
    }

    /// <summary>
    /// Observations, intents settled with their cost, a hidden drain (drift), silence, and a reset, on
    /// two identities; the engine decides forecasts and drift as the daemon does.
    /// </summary>
    private void RunScript()
    {
        _harness.Register("pat:a");
        _harness.Register("pat:b");
        for (var minute = 0; minute < 12; minute++)
        {
            var remaining = 5000 - (minute * 40) - (minute >= 8 ? 600 : 0);
            _harness.ObserveGitHub("pat:a", 5000, remaining, TimeSpan.FromMinutes(30 - minute));
            _harness.ObserveGitHub("pat:b", 100, Math.Max(0, 100 - (minute * 12)),
                TimeSpan.FromMinutes(10 - (minute % 10)));
            for (var call = 0; call < 4; call++)
            {
                var decision = _harness.Submit("pat:a");
                _harness.Advance(TimeSpan.FromSeconds(2));
                _harness.Outcome(decision.IntentId, actualCost: 10);
            }

            _harness.Advance(TimeSpan.FromSeconds(52));
        }

        _harness.Advance(TimeSpan.FromMinutes(25));
        _harness.ObserveGitHub("pat:a", 5000, 4990, TimeSpan.FromMinutes(59));
    }

    private static EventEnvelope Roundtrip(EventEnvelope envelope) => envelope with
    {
        Payload = EventSerializer.DeserializePayload(envelope.Type, EventSerializer.SerializePayload(envelope.Payload)),
    };

    private static string Json(PoolForecast forecast) => JsonSerializer.Serialize(forecast, EventSerializer.Options);
}
