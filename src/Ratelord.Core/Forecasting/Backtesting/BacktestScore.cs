using System.Globalization;
using System.Text;

namespace Ratelord.Core.Forecasting.Backtesting;

/// <summary>How one model did on one trace.</summary>
/// <param name="Model">Model id, or <c>naive</c>.</param>
/// <param name="Forecasts">Forecasts scored (after every reading that found the pool not empty).</param>
/// <param name="MedianApe">Median absolute percentage error of P50 TTE against the real exhaustion, where both
/// exist.</param>
/// <param name="MeanApe">Mean of the same.</param>
/// <param name="P90Coverage">Share of forecasts whose pool ran dry later than their P90 bound (aim: 0.90).</param>
/// <param name="P99Coverage">Share of forecasts whose pool ran dry later than their P99 bound (aim: 0.99).</param>
/// <param name="Brier">Mean squared error of p_exhaustion against whether the pool ran dry within the horizon.</param>
/// <param name="BaseRate">Share of forecasts whose pool did run dry within the horizon.</param>
public sealed record ModelScore(
    string Model,
    int Forecasts,
    double MedianApe,
    double MeanApe,
    double P90Coverage,
    double P99Coverage,
    double Brier,
    double BaseRate);

/// <summary>Every model's score on one trace, the naive baseline last.</summary>
public sealed record TraceScore(string Trace, IReadOnlyList<ModelScore> Models)
{
    /// <summary>The naive baseline's score.</summary>
    public ModelScore Naive => Models.Single(m => m.Model == Backtest.NaiveName);

    /// <summary>A model's score by id.</summary>
    public ModelScore Of(string model) => Models.Single(m => m.Model == model);

    /// <summary>The criteria a trusted model meets: a Brier score below the baseline's, and P90 coverage in [0.85,
    /// 0.95].</summary>
    public bool Passes(string model) =>
        Of(model) is var score && score.Brier < Naive.Brier && score.P90Coverage is >= 0.85 and <= 0.95;
}

/// <summary>Accumulates one model's forecasts on one trace.</summary>
internal sealed class ScoreBuilder(string model)
{
    private readonly List<double> _errors = [];
    private int _count;
    private int _p90Covered;
    private int _p99Covered;
    private int _exhausted;
    private double _brier;

    public void Add(PoolForecast forecast, Backtest.Truth truth)
    {
        _count++;
        var actual = truth.ExhaustedAfter;
        if (forecast.Tte.P50Seconds is { } p50 && double.IsFinite(actual) && actual > 0)
        {
            _errors.Add(Math.Abs(p50 - actual) / actual);
        }

        _p90Covered += actual > (forecast.Tte.P90Seconds ?? double.PositiveInfinity) || Both(actual,
            forecast.Tte.P90Seconds) ? 1 : 0;
        _p99Covered += actual > (forecast.Tte.P99Seconds ?? double.PositiveInfinity) || Both(actual,
            forecast.Tte.P99Seconds) ? 1 : 0;
        var outcome = truth.Exhausted ? 1 : 0;
        _exhausted += outcome;
        var p = forecast.PExhaustion ?? 0;
        _brier += (p - outcome) * (p - outcome);
    }

    public ModelScore Build()
    {
        _errors.Sort();
        var median = _errors.Count == 0 ? double.NaN : _errors[_errors.Count / 2];
        var mean = _errors.Count == 0 ? double.NaN : _errors.Average();
        var n = Math.Max(1, _count);

        return new ModelScore(
            model,
            _count,
            median,
            mean,
            (double)_p90Covered / n,
            (double)_p99Covered / n,
            _brier / n,
            (double)_exhausted / n);
    }

    /// <summary>The pool did not run dry within the trace, and the model said it would not either.</summary>
    private static bool Both(double actual, double? bound) => double.IsPositiveInfinity(actual) && bound is null;
}

/// <summary>The backtest's report as Markdown.</summary>
public static class BacktestReport
{
    /// <summary>A Markdown table per trace, and a verdict per model against the criteria.</summary>
    public static string ToMarkdown(IReadOnlyList<TraceScore> traces, string decisionModel, int seed, double hours)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Seed {seed}, {hours} hours per trace, a reading every {Backtest.ReadingSeconds} s.");
        text.AppendLine();
        text.AppendLine(
            "| trace | model | forecasts | MdAPE P50 | mean APE P50 | P90 coverage | P99 coverage | Brier "
            + "| base rate |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var trace in traces)
        {
            foreach (var m in trace.Models)
            {
                text.AppendLine(c,
                    $"| {trace.Trace} | {m.Model} | {m.Forecasts} | {m.MedianApe:0.000} | {m.MeanApe:0.000} | " +
                    $"{m.P90Coverage:0.000} | {m.P99Coverage:0.000} | {m.Brier:0.0000} | {m.BaseRate:0.000} |");
            }
        }

        text.AppendLine();
        foreach (var trace in traces)
        {
            var verdict = trace.Passes(decisionModel) ? "pass" : "FAIL";
            var score = trace.Of(decisionModel);
            text.AppendLine(c,
                $"- {trace.Trace}: {verdict} ({decisionModel}: Brier {score.Brier:0.0000} vs naive " +
                $"{trace.Naive.Brier:0.0000}, P90 coverage {score.P90Coverage:0.000})");
        }

        return text.ToString();
    }
}
