using CsCheck;
using Ratelord.Core.Forecasting;

namespace Ratelord.Tests.Forecasting;

/// <summary>
/// Properties of every forecast, for arbitrary evidence: more remaining never shortens the time to
/// exhaustion, a higher burn never lengthens it, P50 ≥ P90 ≥ P99, and p_exhaustion is a probability.
/// </summary>
public sealed class ForecastPropertyTests
{
    private const long Iterations = 300;

    /// <summary>
    /// Monotone up to the precision of the numbers behind a quantile, relative to the values compared: the rate is
    /// integrated over five Gauss–Hermite nodes, and a pool whose limit is unknown has a prior scaled by its amount,
    /// so two forecasts that are equal in exact arithmetic can differ in the sixth digit (CsCheck found cases at
    /// 1.5e-6; 1e-5 of an hour is 36 ms).
    /// </summary>
    private const double Rounding = 1e-5;

    private static readonly Gen<double[]> Amounts = Gen.Double[0, 2000].Array[0, 60];

    private static readonly Gen<double?> Reset = Gen.Double[0, 20000].Select(r => r < 500 ? (double?)null : r);

    private static readonly Gen<RefillKind> Refill = Gen.Int[0, 2].Select(i => (RefillKind)i);

    public static TheoryData<string> Models => [.. ForecastModels.All.Select(m => m.Id)];

    [Theory]
    [MemberData(nameof(Models))]
    public void MoreRemaining_NeverShortensTheTimeToExhaustion(string modelId)
    {
        var model = ModelOf(modelId);
        Gen.Select(Amounts, Gen.Double[0, 10000], Gen.Double[0, 5000], Reset, Refill).Sample(
            (amounts, available, more, reset, refill) =>
            {
                var input = Input(amounts, available, reset, refill);
                var less = model.Forecast(input);
                var richer = model.Forecast(input with { Available = available + more });

                AssertNotShorter(richer.Tte, less.Tte);
                Assert.True(richer.PExhaustion <= less.PExhaustion + Rounding,
                    $"{richer.PExhaustion} > {less.PExhaustion}");
            },
            iter: Iterations);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Quantiles_AreOrdered_AndRiskIsAProbability(string modelId)
    {
        var model = ModelOf(modelId);
        Gen.Select(Amounts, Gen.Double[0, 10000], Reset, Refill, Gen.Double[0, 4000]).Sample(
            (amounts, available, reset, refill, age) =>
            {
                var forecast = model.Forecast(Input(amounts, available, reset, refill) with
                {
                    SecondsSinceObservation = age,
                    DriftLevel = age / 2,
                });

                AssertOrdered(forecast.Tte);
                Assert.InRange(forecast.PExhaustion!.Value, 0, 1);
                Assert.True(double.IsFinite(forecast.BurnRate.Mean) && forecast.BurnRate.Mean >= 0);
                Assert.True(double.IsFinite(forecast.BurnRate.StdDev) && forecast.BurnRate.StdDev >= 0);
            },
            iter: Iterations);
    }

    [Fact]
    public void HigherBurn_NeverLengthensTheTimeToExhaustion()
    {
        Gen.Select(Estimates, Gen.Double[0, 5], Gen.Double[1, 10000], Reset, Refill).Sample(
            (estimate, faster, available, reset, refill) =>
            {
                var input = Input([], available, reset, refill);
                var slow = ExhaustionForecast.Build("test/1", input, estimate);
                var fast = ExhaustionForecast.Build("test/1", input, estimate with { Mean = estimate.Mean + faster });

                AssertNotShorter(slow.Tte, fast.Tte);
                Assert.True(fast.PExhaustion >= slow.PExhaustion - Rounding,
                    $"{fast.PExhaustion} < {slow.PExhaustion}");
                AssertOrdered(fast.Tte);
                Assert.InRange(fast.PExhaustion!.Value, 0, 1);
            },
            iter: Iterations);
    }

    [Fact]
    public void RiskMovesSmoothly_AsTheResetComesNearer()
    {
        // Demand that varies from minute to minute, so the risk has a real spread to move through.
        var input = ForecastInputs.With([.. Enumerable.Range(0, 40).Select(i => i % 3 == 0 ? 220.0 : 40.0)], 4000,
            3000);
        double? previous = null;
        for (var reset = 3000.0; reset >= 600; reset -= 10)
        {
            var p = new WindowRateModel().Forecast(input with { SecondsToReset = reset }).PExhaustion!.Value;
            if (previous is { } before)
            {
                Assert.True(p <= before + 1e-12, "Risk never rises as the reset comes nearer.");
                Assert.True(before - p < 0.05, $"Ten seconds nearer the reset moved the risk from {before} to {p}.");
            }

            previous = p;
        }
    }

    private static Gen<BurnEstimate> Estimates { get; } = Gen.Select(
        Gen.Double[0, 20],
        Gen.Double[0, 4],
        Gen.Double[0, 50],
        Gen.Double[0, 1e-4],
        (mean, rateVariance, diffusion, drift) =>
            new BurnEstimate(mean, rateVariance, diffusion, 600, false) { RateDrift = drift });

    private static ForecastInput Input(double[] amounts, double available, double? reset, RefillKind refill) =>
        ForecastInputs.With(amounts, available, reset) with
        {
            Refill = refill,
            RefillPerSecond = refill == RefillKind.Continuous ? 1 : 0,
            WindowSeconds = refill == RefillKind.Continuous ? 900 : null,
        };

    private static IForecastModel ModelOf(string id) => ForecastModels.All.Single(m => m.Id == id);

    /// <summary>Each quantile of <paramref name="longer"/> is at least that of <paramref name="shorter"/>; null is
    /// never.</summary>
    private static void AssertNotShorter(TimeToExhaustion longer, TimeToExhaustion shorter)
    {
        Assert.True(NotShorter(longer.P50Seconds, shorter.P50Seconds),
            $"P50 {longer.P50Seconds} < {shorter.P50Seconds}");
        Assert.True(NotShorter(longer.P90Seconds, shorter.P90Seconds),
            $"P90 {longer.P90Seconds} < {shorter.P90Seconds}");
        Assert.True(NotShorter(longer.P99Seconds, shorter.P99Seconds),
            $"P99 {longer.P99Seconds} < {shorter.P99Seconds}");
    }

    private static bool NotShorter(double? longer, double? shorter) =>
        Infinite(longer) >= Infinite(shorter) * (1 - Rounding);

    private static void AssertOrdered(TimeToExhaustion tte)
    {
        Assert.True(Infinite(tte.P50Seconds) >= Infinite(tte.P90Seconds),
            $"P50 {tte.P50Seconds} < P90 {tte.P90Seconds}");
        Assert.True(Infinite(tte.P90Seconds) >= Infinite(tte.P99Seconds),
            $"P90 {tte.P90Seconds} < P99 {tte.P99Seconds}");
        Assert.True(tte.P99Seconds is null or >= 0);
    }

    private static double Infinite(double? seconds) => seconds ?? double.PositiveInfinity;
}
