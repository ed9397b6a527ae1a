using Ratelord.Core.Domain;
using Ratelord.Scenarios.Scenarios;

namespace Ratelord.Tests.Scenarios;

/// <summary>
/// The baselines are measured in the same runs, and they fail where a client without Ratelord must: proof that
/// the simulated provider enforces its limit and that the thresholds are not met by construction.
/// </summary>
public sealed class ScenarioBaselineTests
{
    public static TheoryData<string, ScenarioMode> Baselines()
    {
        var data = new TheoryData<string, ScenarioMode>();
        foreach (var spec in ScenarioCatalog.All)
        {
            data.Add(spec.Id, ScenarioMode.WithoutRatelord);
            data.Add(spec.Id, ScenarioMode.TokenBucket);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Baselines))]
    public void Baseline_IsMeasured(string scenario, ScenarioMode mode)
    {
        var metrics = ScenarioRuns.Measure(scenario, mode);

        Assert.True(metrics.Wanted > 0, $"{scenario} {mode}: no want was made");
        Assert.True(metrics.Served > 0, $"{scenario} {mode}: no call was served");
        Assert.Equal(ScenarioRuns.Spec(scenario).Urgencies.Count, metrics.Waits.Count);
    }

    [Fact]
    public void WithoutRatelord_ThunderingHerd_Draws429s()
    {
        var none = ScenarioRuns.Measure("thundering-herd", ScenarioMode.WithoutRatelord);

        Assert.True(none.Provider429 > 0, "a herd of 500 calls at one instant must meet the limit of 300");
    }

    [Fact]
    public void WithoutRatelord_ProviderFailure_MeetsTheOutageAndThenTheLimit()
    {
        var none = ScenarioRuns.Measure("provider-failure", ScenarioMode.WithoutRatelord);

        Assert.True(none.Provider5xx > 0, "the outage answers 503");
        Assert.True(none.Provider429 > 0, "the backlog released at the recovery meets the limit");
    }

    [Fact]
    public void TokenBucket_Drift_Draws429s_ForItCannotSeeTheOutsideConsumer()
    {
        var bucket = ScenarioRuns.Measure("drift", ScenarioMode.TokenBucket);

        Assert.True(
            bucket.Provider429 > 0,
            "a bucket sized to the whole pool overspends what the outside consumer leaves");
    }

    [Fact]
    public void TokenBucket_PriorityInversion_QueuesHighUrgencyBehindTheFlood()
    {
        var high = ScenarioRuns.Measure("priority-inversion", ScenarioMode.TokenBucket).Waits[Urgency.High];

        Assert.True(high.P99Seconds > 10, $"high-urgency p99 wait was only {high.P99Seconds:0.00} s behind the flood");
    }
}
