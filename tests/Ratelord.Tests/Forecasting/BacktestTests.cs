using Ratelord.Core.Forecasting;
using Ratelord.Core.Forecasting.Backtesting;

namespace Ratelord.Tests.Forecasting;

/// <summary>
/// The backtest that <c>bench/Ratelord.Backtest</c> reports, cut down to the decision model and the naive
/// baseline (the report also scores the second opinion), held to the same criteria: on every trace the
/// decision model's Brier score beats the naive baseline's, and its P90 bound is covered between 85% and
/// 95% of the time. The traces keep their whole day: shorter ones miss the parts of it (a diurnal rise, a
/// step) that the criteria are about.
/// </summary>
public sealed class BacktestTests
{
    private const int Seed = 20261203;
    private const double Hours = 24;

    private static readonly Lazy<IReadOnlyList<TraceScore>> Scores =
        new(() => Backtest.RunAll([ForecastModels.Decision], Seed, Hours));

    public static TheoryData<string> Traces => [.. TraceGenerator.Kinds.Select(TraceGenerator.NameOf)];

    [Theory]
    [MemberData(nameof(Traces))]
    public void DecisionModel_BeatsTheNaiveBaseline_AndIsCalibrated(string trace)
    {
        var score = Scores.Value.Single(s => s.Trace == trace);
        var model = score.Of(ForecastModels.Decision.Id);

        Assert.True(model.Forecasts > 300, $"{trace}: only {model.Forecasts} forecasts were scored.");
        Assert.True(
            model.Brier < score.Naive.Brier,
            $"{trace}: Brier {model.Brier:0.0000} is not better than the naive baseline's {score.Naive.Brier:0.0000}.");
        Assert.InRange(model.P90Coverage, 0.85, 0.95);
    }

    [Fact]
    public void Traces_AreTheSameForTheSameSeed()
    {
        foreach (var kind in TraceGenerator.Kinds)
        {
            Assert.Equal(TraceGenerator.Generate(kind, 7, 1).Demand, TraceGenerator.Generate(kind, 7, 1).Demand);
        }
    }

    [Fact]
    public void Report_ListsEveryTraceAndModel_WithAVerdict()
    {
        var report = BacktestReport.ToMarkdown(Scores.Value, ForecastModels.Decision.Id, Seed, Hours);

        foreach (var trace in Scores.Value)
        {
            Assert.Contains($"| {trace.Trace} | naive |", report, StringComparison.Ordinal);
            Assert.Contains($"- {trace.Trace}: pass", report, StringComparison.Ordinal);
        }
    }
}
