namespace Ratelord.Core.Forecasting;

/// <summary>The standard normal distribution, accurate in its tails so that small risks stay small and
/// smooth.</summary>
internal static class Normal
{
    /// <summary>One-sided quantile at 0.90: a P90 bound sits this many deviations on the pessimistic side.</summary>
    public const double Z90 = 1.2815515655446004;

    /// <summary>One-sided quantile at 0.99.</summary>
    public const double Z99 = 2.3263478740408408;

    /// <summary>Nodes of five-point Gauss–Hermite quadrature for an expectation over a standard normal.</summary>
    public static ReadOnlySpan<double> HermiteNodes =>
        [-2.8569700138728056, -1.3556261799742658, 0, 1.3556261799742658, 2.8569700138728056];

    /// <summary>Weights of <see cref="HermiteNodes"/>; they sum to one.</summary>
    public static ReadOnlySpan<double> HermiteWeights =>
        [0.011257411327720691, 0.22207592200561266, 0.53333333333333333, 0.22207592200561266, 0.011257411327720691];

    /// <summary>P(Z ≤ z).</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>log P(Z ≤ z), finite far into the lower tail where <see cref="Cdf"/> underflows.</summary>
    public static double LogCdf(double z)
    {
        if (z > -5)
        {
            return Math.Log(Cdf(z));
        }

        var x = -z / Math.Sqrt(2);

        return Math.Log(0.5) + LogErfcPositive(x);
    }

    /// <summary>
    /// Complementary error function with a relative error below 1.2e-7 everywhere (the Chebyshev fit
    /// of Numerical Recipes), so tail probabilities keep their relative precision.
    /// </summary>
    private static double Erfc(double x)
    {
        var value = Math.Exp(LogErfcPositive(Math.Abs(x)));

        return x >= 0 ? value : 2 - value;
    }

    private static double LogErfcPositive(double z)
    {
        var t = 1 / (1 + (0.5 * z));
        var poly = -1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806
            + (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851587 + (t * (-0.82215223
            + (t * 0.17087277)))))))))))))))));

        return Math.Log(t) - (z * z) + poly;
    }
}
