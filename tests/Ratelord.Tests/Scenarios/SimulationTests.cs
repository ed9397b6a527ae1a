using Ratelord.Core.Domain;
using Ratelord.Core.Providers;
using Ratelord.Scenarios.Clients;
using Ratelord.Scenarios.Reporting;
using Ratelord.Scenarios.Scenarios;
using Ratelord.Scenarios.Simulation;

namespace Ratelord.Tests.Scenarios;

public sealed class SimulationTests
{
    private static readonly DateTimeOffset Start = ScenarioRunner.Start;

    [Fact]
    public void SimulatedGitHub_AnswersInGitHubFormat_AndThrottlesPastTheLimit()
    {
        var provider = new SimulatedGitHub(3, TimeSpan.FromSeconds(60), []);
        var at = Start.AddSeconds(20.5);

        var answers = Enumerable.Range(0, 4).Select(_ => provider.Answer(at)).ToList();

        Assert.Equal([200, 200, 200, 429], answers.Select(a => a.Status));
        var served = ProviderReader.Read("github", answers[2]);
        var pool = Assert.Single(served.Pools);
        Assert.Equal("core", pool.Pool);
        Assert.Equal(3, pool.Limit);
        Assert.Equal(0, pool.Remaining);
        Assert.Equal(40, pool.ResetInSeconds);
        var throttled = ProviderReader.Read("github", answers[3]);
        Assert.True(throttled.Limited);
        Assert.Equal("40", answers[3].Header("retry-after"));
    }

    [Fact]
    public void SimulatedGitHub_OpensANewWindowAtTheReset()
    {
        var provider = new SimulatedGitHub(1, TimeSpan.FromSeconds(60), []);

        Assert.Equal(200, provider.Answer(Start.AddSeconds(59)).Status);
        Assert.Equal(429, provider.Answer(Start.AddSeconds(59.9)).Status);
        Assert.Equal(200, provider.Answer(Start.AddSeconds(60)).Status);
    }

    [Fact]
    public void SimulatedGitHub_DuringAnOutage_Answers503WithoutCountingTheCall()
    {
        var outage = new Outage(Start.AddSeconds(10), Start.AddSeconds(20));
        var provider = new SimulatedGitHub(1, TimeSpan.FromSeconds(60), [outage]);

        var failed = provider.Answer(Start.AddSeconds(15));

        Assert.Equal(503, failed.Status);
        Assert.Null(failed.Header("x-ratelimit-remaining"));
        Assert.Equal(200, provider.Answer(Start.AddSeconds(25)).Status);
    }

    [Fact]
    public void VirtualTokenBucket_GrantsOldestFirst_OnePeriodsTokensPerRefill()
    {
        var bucket = new VirtualTokenBucket(tokenLimit: 2, tokensPerPeriod: 2);
        var granted = new List<int>();

        for (var i = 0; i < 5; i++)
        {
            var caller = i;
            bucket.Acquire(() => granted.Add(caller));
        }

        Assert.Equal([0, 1], granted);
        bucket.Replenish();
        Assert.Equal([0, 1, 2, 3], granted);
        bucket.Replenish();
        bucket.Replenish();
        Assert.Equal([0, 1, 2, 3, 4], granted);
        Assert.Equal(0, bucket.Queued);
    }

    [Fact]
    public void VirtualClock_RunsActionsInOrderOfTheirInstant_TiesInOrderScheduled()
    {
        var clock = new VirtualClock(Start);
        var order = new List<string>();
        clock.At(Start.AddSeconds(2), () => order.Add("b"));
        clock.At(Start.AddSeconds(1), () => order.Add("a"));
        clock.At(Start.AddSeconds(2), () => order.Add("c"));
        clock.At(Start.AddSeconds(5), () => order.Add("late"));

        clock.RunUntil(Start.AddSeconds(3));

        Assert.Equal(["a", "b", "c"], order);
        Assert.Equal(Start.AddSeconds(3), clock.Now);
    }

    [Fact]
    public void SameSeed_GivesTheSameRun()
    {
        var spec = ScenarioCatalog.Drift;
        var horizon = TimeSpan.FromMinutes(2);

        var first = ScenarioMetrics.Measure(ScenarioRunner.Run(spec, ScenarioMode.Ratelord, 7, horizon));
        var second = ScenarioMetrics.Measure(ScenarioRunner.Run(spec, ScenarioMode.Ratelord, 7, horizon));

        Assert.Equal(first.Provider429, second.Provider429);
        Assert.Equal(first.Served, second.Served);
        Assert.Equal(first.QuotaUsed, second.QuotaUsed);
        Assert.Equal(first.Waits[Urgency.Normal], second.Waits[Urgency.Normal]);
        Assert.Equal(first.Decisions.OrderBy(d => d.Key), second.Decisions.OrderBy(d => d.Key));
    }

    [Fact]
    public void JainIndex_IsOneForEqualShares_AndOneOverNWhenOneTakesAll()
    {
        Assert.Equal(1, ScenarioMetrics.JainIndex([5, 5, 5, 5]), 9);
        Assert.Equal(0.25, ScenarioMetrics.JainIndex([8, 0, 0, 0]), 9);
    }

    [Fact]
    public void QuotaUsed_CountsOnlyWindowsWithDemandPendingThroughout()
    {
        var spec = ScenarioCatalog.NoisyNeighbour with { Limit = 10 };
        var ledger = new CallLedger();
        var wants = new List<Want>();

        // One want waits from the start into the second window; six are served early in the first.
        var slow = new Want(0, "quiet-00", Urgency.Normal, Start);
        wants.Add(slow);
        for (var i = 1; i <= 6; i++)
        {
            var want = new Want(i, "quiet-01", Urgency.Normal, Start);
            want.ServedAt = Start.AddSeconds(i);
            ledger.Record(want.ServedAt.Value, want, 200);
            wants.Add(want);
        }

        slow.ServedAt = Start.AddSeconds(70);
        ledger.Record(slow.ServedAt.Value, slow, 200);
        var run = new ScenarioRun(
            spec,
            ScenarioMode.Ratelord,
            "Ratelord",
            1,
            Start,
            TimeSpan.FromSeconds(120),
            wants,
            ledger,
            [],
            new Dictionary<string, int>(),
            new Dictionary<string, int>());

        var metrics = ScenarioMetrics.Measure(run);

        Assert.Equal(1, metrics.CountedWindows);
        Assert.Equal(0.6, metrics.QuotaUsed, 9);
        Assert.Equal(70, metrics.Waits[Urgency.Normal].P99Seconds, 9);
    }
}
