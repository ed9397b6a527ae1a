using Ratelord.Core.Forecasting;

namespace Ratelord.Tests.Forecasting;

/// <summary>What every forecast model promises, whatever it estimates the burn from.</summary>
public abstract class ForecastModelContractTests
{
    protected abstract IForecastModel Model { get; }

    [Fact]
    public void Forecast_RecordsTheModelIdAndVersion()
    {
        var forecast = Model.Forecast(ForecastInputs.Steady(100));

        Assert.Equal(Model.Id, forecast.Model);
        Assert.Matches("^[a-z-]+/[0-9]+$", forecast.Model);
    }

    [Fact]
    public void SteadyBurn_GivesTheTimeRemainingOverTheRate_AtP50()
    {
        var forecast = Model.Forecast(ForecastInputs.Steady(100, available: 4000));

        Assert.InRange(forecast.Tte.P50Seconds!.Value, 2400 * 0.9, 2400 * 1.1);
        Assert.InRange(forecast.BurnRate.Mean, 100 / 60.0 * 0.9, 100 / 60.0 * 1.1);
        Assert.True(forecast.Tte.P50Seconds >= forecast.Tte.P90Seconds, "P50 is never shorter than P90.");
        Assert.True(forecast.Tte.P90Seconds >= forecast.Tte.P99Seconds, "P90 is never shorter than P99.");
    }

    [Fact]
    public void ColdStart_UsesThePessimisticPrior_AndSaysSo()
    {
        var forecast = Model.Forecast(ForecastInputs.With([], 4000, 2500));

        Assert.Equal("prior", forecast.Confidence);
        Assert.Contains(ForecastFlags.ColdStart, forecast.Flags!);
        Assert.Equal(5000 / 2500.0, forecast.BurnRate.Mean, 6);
    }

    [Fact]
    public void UnknownReset_IsJudgedOverTheDefaultHorizon_AndFlagged()
    {
        var forecast = Model.Forecast(ForecastInputs.Steady(100, secondsToReset: null));

        Assert.Contains(ForecastFlags.ResetUnknown, forecast.Flags!);
        Assert.Equal(ExhaustionForecast.DefaultHorizonSeconds, forecast.HorizonSeconds);
        Assert.NotNull(forecast.PExhaustion);
        Assert.True(forecast.PExhaustion > 0.9,
            $"4,000 left at 100 a minute runs dry within an hour: {forecast.PExhaustion}.");
    }

    [Fact]
    public void OldReading_WidensTheBounds_ThenLeavesTheStatusUnknown()
    {
        var fresh = Model.Forecast(ForecastInputs.Steady(100));
        var stale = Model.Forecast(ForecastInputs.Steady(100, age: 600));
        var lost = Model.Forecast(ForecastInputs.Steady(100, age: 3600));

        Assert.False(fresh.Stale);
        Assert.True(stale.Stale);
        Assert.Contains(ForecastFlags.Stale, stale.Flags!);
        Assert.True(stale.Tte.P99Seconds < fresh.Tte.P99Seconds, "A stale forecast has a shorter P99 bound.");
        Assert.NotEqual(PoolStatus.Unknown, stale.Status);
        Assert.Equal(PoolStatus.Unknown, lost.Status);
    }

    [Fact]
    public void Drift_WidensTheBounds()
    {
        var input = ForecastInputs.Steady(100);
        var quiet = Model.Forecast(input);
        var drifting = Model.Forecast(input with { DriftLevel = 1500 });

        Assert.Contains(ForecastFlags.Drift, drifting.Flags!);
        Assert.True(drifting.Tte.P99Seconds < quiet.Tte.P99Seconds, "Drift shortens the P99 bound.");
        Assert.True(drifting.BurnRate.StdDev > quiet.BurnRate.StdDev);
    }

    [Fact]
    public void EmptyPool_IsCritical_WithNoTimeLeft()
    {
        var forecast = Model.Forecast(ForecastInputs.Steady(100, available: 0));

        Assert.Equal(0, forecast.Tte.P50Seconds);
        Assert.Equal(1, forecast.PExhaustion);
        Assert.Equal(PoolStatus.Critical, forecast.Status);
    }

    [Fact]
    public void NoReading_LeavesTheStatusUnknown()
    {
        var forecast = Model.Forecast(ForecastInputs.Steady(100) with { Available = null });

        Assert.Equal(PoolStatus.Unknown, forecast.Status);
        Assert.Null(forecast.PExhaustion);
        Assert.Contains(ForecastFlags.NoReading, forecast.Flags!);
    }

    [Fact]
    public void PoolThatRefillsFasterThanItBurns_DoesNotRunDry()
    {
        var input = ForecastInputs.Steady(60, available: 500) with
        {
            Refill = RefillKind.Continuous,
            RefillPerSecond = 3,
            WindowSeconds = 600,
        };

        var forecast = Model.Forecast(input);

        Assert.Null(forecast.Tte.P50Seconds);
        Assert.True(forecast.PExhaustion < 0.01,
            $"A pool refilled three times as fast as it burns: {forecast.PExhaustion}.");
        Assert.Equal(600, forecast.HorizonSeconds);
        Assert.Equal(PoolStatus.Ok, forecast.Status);
    }

    [Fact]
    public void PoolThatBurnsFasterThanItRefills_RunsDry()
    {
        var input = ForecastInputs.Steady(120, available: 300) with
        {
            Refill = RefillKind.Continuous,
            RefillPerSecond = 1,
            WindowSeconds = 600,
        };

        var forecast = Model.Forecast(input);

        Assert.InRange(forecast.Tte.P50Seconds!.Value, 200, 400);
        Assert.True(forecast.PExhaustion > 0.9);
    }

    [Fact]
    public void RiskBefore_ANearReset_IsSmall_AndBefore_AFarOne_IsLarge()
    {
        var near = Model.Forecast(ForecastInputs.Steady(100, secondsToReset: 1200));
        var far = Model.Forecast(ForecastInputs.Steady(100, secondsToReset: 3000));

        Assert.True(near.PExhaustion < 0.1, $"Reset in 20 min, dry in 40: {near.PExhaustion}.");
        Assert.True(far.PExhaustion > 0.5, $"Reset in 50 min, dry in 40: {far.PExhaustion}.");
        Assert.True(near.MarginSeconds > 0);
        Assert.True(far.MarginSeconds < 0);
        Assert.Equal(PoolStatus.Ok, near.Status);
        Assert.Equal(PoolStatus.Critical, far.Status);
    }
}

public sealed class WindowRateModelContractTests : ForecastModelContractTests
{
    protected override IForecastModel Model { get; } = new WindowRateModel();

    [Fact]
    public void Silence_DecaysTheBurnRate_ByEventTime()
    {
        var busy = ForecastInputs.Steady(100);
        var silent = busy with
        {
            Samples = [.. busy.Samples, new UsageSample(ForecastInputs.Now.AddMinutes(20), 0, 1200)],
        };

        Assert.True(
            Model.Forecast(silent).BurnRate.Mean < Model.Forecast(busy).BurnRate.Mean / 2,
            "Twenty quiet minutes more than halve the rate.");
    }

    [Fact]
    public void Spike_ShowsAtOnce_InTheFastWindow()
    {
        var amounts = Enumerable.Repeat(60.0, 60).Concat(Enumerable.Repeat(600.0, 3)).ToList();
        var forecast = Model.Forecast(ForecastInputs.With(amounts, 4000, 3000));

        Assert.True(forecast.BurnRate.Mean > 3,
            $"Three minutes at 10/s lift a 1/s baseline past 3/s: {forecast.BurnRate.Mean}.");
    }

    [Fact]
    public void CensoredSamples_AreNotTakenForIdleness()
    {
        var amounts = Enumerable.Repeat(100.0, 30).ToList();
        var plain = ForecastInputs.With(amounts, 4000, 3000);
        var exhausted = plain with
        {
            Samples = [.. plain.Samples.Select((s, i) => i >= 20 ? s with { Amount = 0, Censored = true } : s)],
        };

        Assert.InRange(Model.Forecast(exhausted).BurnRate.Mean, 100 / 60.0 * 0.9, 100 / 60.0 * 1.1);
    }
}

public sealed class TrendRegressionModelContractTests : ForecastModelContractTests
{
    protected override IForecastModel Model { get; } = new TrendRegressionModel();

    [Fact]
    public void RisingDemand_IsFollowed()
    {
        var rising = ForecastInputs.With([.. Enumerable.Range(0, 20).Select(i => 60.0 + (6 * i))], 4000, 3000);
        var flat = ForecastInputs.Steady(117, count: 20);

        Assert.True(
            Model.Forecast(rising).Tte.P50Seconds < Model.Forecast(flat).Tte.P50Seconds,
            "A rate still rising runs dry sooner than one that settled where it now is.");
    }
}
