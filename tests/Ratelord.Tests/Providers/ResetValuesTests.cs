using Ratelord.Core.Providers;

namespace Ratelord.Tests.Providers;

public sealed class ResetValuesTests
{
    private static readonly DateTimeOffset Date = DateTimeOffset.FromUnixTimeSeconds(TestResponses.DateEpochSeconds);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(30, 30)]
    [InlineData(86_400 * 365, 86_400 * 365)]
    [InlineData(1_796_299_260, 60)]
    [InlineData(1_796_299_260_500, 60.5)]
    [InlineData(1_796_299_000, 0)]
    [InlineData(1_796_299_000_000, 0)]
    public void Reset_IsADelayOrAnEpoch_ByItsSizeAgainstTheDate(double value, double seconds)
    {
        TestResponses.Near(seconds, ResetValues.FromNumber(value, Date), $"{value}");
    }

    [Theory]
    [InlineData(30d, 30d)]
    [InlineData(1_796_299_260d, null)]
    [InlineData(1_796_299_260_500d, null)]
    public void Reset_WithoutADate_KeepsADelay_AndLeavesAnEpochUnknown(double value, double? seconds)
    {
        TestResponses.Near(seconds, ResetValues.FromNumber(value, null), $"{value}");
    }

    [Fact]
    public void Reset_FollowsTheServersDate_EvenFarFromToday()
    {
        var date = new DateTimeOffset(2045, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var epoch = date.ToUnixTimeSeconds() + 90;

        TestResponses.Near(90, ResetValues.FromNumber(epoch, date), "epoch seconds");
        TestResponses.Near(90, ResetValues.FromNumber(epoch * 1000.0, date), "epoch milliseconds");
    }

    [Fact]
    public void Until_IsZero_ForAMomentAlreadyPassed_AndUnknownWithoutADate()
    {
        TestResponses.Near(0, ResetValues.Until(Date.AddSeconds(-5), Date), "passed");
        TestResponses.Near(null, ResetValues.Until(Date.AddSeconds(5), null), "no date");
    }
}
