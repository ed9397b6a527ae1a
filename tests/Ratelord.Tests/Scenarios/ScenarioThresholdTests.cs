using Ratelord.Core.Domain;
using Ratelord.Scenarios.Reporting;
using Ratelord.Scenarios.Scenarios;

namespace Ratelord.Tests.Scenarios;

/// <summary>
/// The "done when" for the scenarios, asserted on the runs with Ratelord, with the report's seed.
/// </summary>
public sealed class ScenarioThresholdTests
{
    [Theory]
    [InlineData("thundering-herd")]
    [InlineData("noisy-neighbour")]
    [InlineData("priority-inversion")]
    [InlineData("drift")]
    [InlineData("provider-failure")]
    public void Ratelord_DrawsNoProvider429s(string scenario) => AssertNo429s(scenario);

    [Theory]
    [InlineData("thundering-herd")]
    [InlineData("noisy-neighbour")]
    [InlineData("priority-inversion")]
    [InlineData("drift")]
    public void Ratelord_UsesNinetyPercentOfTheQuota_WhereDemandExisted(string scenario) =>
        AssertQuotaUsed(scenario);

    [Fact]
    public void ProviderFailure_Ratelord_UsesNinetyPercentOfTheQuota_AfterTheRecovery() =>
        AssertQuotaUsed("provider-failure");

    [Fact]
    public void PriorityInversion_HighUrgencyP99Wait_IsUnderOneSecond()
    {
        var high = ScenarioRuns.Measure("priority-inversion", ScenarioMode.Ratelord).Waits[Urgency.High];

        Assert.True(
            high.P99Seconds < Thresholds.MaxHighUrgencyP99Seconds,
            $"high-urgency p99 wait was {Format.Seconds(high.P99Seconds)} during the background flood");
    }

    [Fact]
    public void NoisyNeighbour_EqualAgentsAreServedAlike()
    {
        var ratelord = ScenarioRuns.Measure("noisy-neighbour", ScenarioMode.Ratelord);

        Assert.True(
            ratelord.Jain >= Thresholds.MinJain,
            $"Jain's index among the quiet agents was {ratelord.Jain:0.000}");
    }

    private static void AssertNo429s(string scenario)
    {
        var ratelord = ScenarioRuns.Measure(scenario, ScenarioMode.Ratelord);

        Assert.True(
            ratelord.Provider429 == 0,
            $"{scenario}: the provider answered {ratelord.Provider429} 429s to agents using Ratelord");
    }

    private static void AssertQuotaUsed(string scenario)
    {
        var ratelord = ScenarioRuns.Measure(scenario, ScenarioMode.Ratelord);

        Assert.True(
            ratelord.CountedWindows > 0,
            $"{scenario}: no window had demand pending throughout, so nothing was measured");
        Assert.True(
            ratelord.QuotaUsed >= Thresholds.MinQuotaUsed,
            $"{scenario}: Ratelord used {Format.Percent(ratelord.QuotaUsed)} of the quota over "
            + $"{ratelord.CountedWindows} windows with demand");
    }
}
