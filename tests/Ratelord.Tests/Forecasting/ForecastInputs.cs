using Ratelord.Core.Forecasting;

namespace Ratelord.Tests.Forecasting;

/// <summary>Forecast inputs built by hand: a pool with evenly spaced usage samples.</summary>
internal static class ForecastInputs
{
    public static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    /// <summary><paramref name="count"/> samples of <paramref name="perMinute"/> units a minute, the last ending
    /// now.</summary>
    public static ForecastInput Steady(
        double perMinute,
        int count = 30,
        double available = 4000,
        double? secondsToReset = 3000,
        double limit = 5000,
        double age = 0) =>
        With([.. Enumerable.Range(0, count).Select(i => perMinute)], available, secondsToReset, limit, age);

    /// <summary>One sample a minute with the given amounts, oldest first, the last ending now.</summary>
    public static ForecastInput With(
        IReadOnlyList<double> amounts,
        double? available,
        double? secondsToReset,
        double? limit = 5000,
        double age = 0)
    {
        var samples = amounts
            .Select((amount, i) => new UsageSample(Now.AddMinutes(i - amounts.Count + 1), amount, 60))
            .ToList();

        return new ForecastInput(Now, limit, available, secondsToReset, age, samples);
    }
}
