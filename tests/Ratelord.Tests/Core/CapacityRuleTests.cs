using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Policies;
using Ratelord.Core.Projections;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Core;

/// <summary>
/// The built-in capacity rule, through the engine on a fake clock: an intent goes now only when what
/// the pool has left, less what approvals hold, covers it; otherwise it waits for room after a reset
/// or is refused with a time to retry.
/// </summary>
public sealed class CapacityRuleTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ThirtySeconds = TimeSpan.FromSeconds(30);

    // A wait for a reset ends this long after it: a caller's timer that wakes a little early still lands in
    // the new window.
    private static readonly double Guard = CapacityRule.ResetGuard.TotalSeconds;

    private readonly EngineHarness _engine = new(new RatelordOptions
    {
        Workloads = new WorkloadCatalog([new WorkloadDefinition("bulk", [new WorkloadPool("github", "core", null)])]),
    });

    [Fact]
    public void Approve_WhenRemainingLessReservedCoversTheCost()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 3, resetIn: TimeSpan.FromSeconds(60));

        var decisions = Enumerable.Range(0, 3).Select(_ => _engine.Submit("pat:a")).ToList();

        Assert.All(decisions, d => Assert.Equal(Verdict.Approve, d.Verdict));
        Assert.All(decisions, d => Assert.Null(d.WaitSeconds));
        Assert.Equal(3, _engine.Pool("pat:a").Reserved);
        Assert.Equal(3, _engine.Pool("pat:a").Remaining);
    }

    [Fact]
    public void Approve_OfAnExpectedCost_ReservesThatCost_SoTheNextIntentCannotSpendIt()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: TimeSpan.FromSeconds(60));

        var first = _engine.Submit("pat:a", cost: 7, workload: "bulk");
        var second = _engine.Submit("pat:a", cost: 3, workload: "bulk");
        var third = _engine.Submit("pat:a", cost: 1, workload: "bulk");

        Assert.Equal(Verdict.Approve, first.Verdict);
        Assert.Equal(7, _engine.Pool("pat:a").Reservations[first.IntentId].Amount);
        Assert.Equal(Verdict.Approve, second.Verdict);
        Assert.Equal(Verdict.DenyWithReason, third.Verdict);
        Assert.Equal(ReasonCodes.PoolExhausted, third.Reason);
        Assert.Equal(60, third.RetryAfterSeconds);
        Assert.Equal(10, _engine.Pool("pat:a").Reserved);
    }

    [Fact]
    public void Wait_UntilTheReset_WhenWhatIsLeftDoesNotCoverTheCost()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 0, resetIn: ThirtySeconds);
        var resetAt = _engine.Now + ThirtySeconds;

        var decision = _engine.Submit("pat:a");

        Assert.Equal(Verdict.ApproveWithModifications, decision.Verdict);
        Assert.Equal(30 + Guard, decision.WaitSeconds);
        Assert.Null(decision.DeferUntil);
        Assert.Equal(ReasonCodes.PoolExhausted, decision.Reason);
        var start = resetAt + CapacityRule.ResetGuard;
        Assert.Equal(start + new RatelordOptions().ApprovalTtl, decision.ValidUntil);
        Assert.Equal(start, _engine.Pool("pat:a").Reservations[decision.IntentId].EffectiveFrom);
    }

    [Fact]
    public void Wait_IsAReservation_SoThe11thIsDenied_WhenTheWindowLengthIsUnknown()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 5, remaining: 5, resetIn: ThirtySeconds);

        var now = SubmitAndSettle(5);
        var waits = Enumerable.Range(0, 5).Select(_ => _engine.Submit("pat:a")).ToList();
        var eleventh = _engine.Submit("pat:a");

        Assert.All(now, d => Assert.Equal(Verdict.Approve, d.Verdict));
        Assert.All(waits, d => Assert.Equal(Verdict.ApproveWithModifications, d.Verdict));
        Assert.All(waits, d => Assert.Equal(30 + Guard, d.WaitSeconds));
        Assert.Equal(Verdict.DenyWithReason, eleventh.Verdict);
        Assert.Equal(ReasonCodes.PoolExhausted, eleventh.Reason);
        Assert.Equal(30, eleventh.RetryAfterSeconds);
        Assert.Equal(5, _engine.Pool("pat:a").Reserved);
    }

    [Fact]
    public void Wait_IsAReservation_AndThe11thWaitsTwoWindows_WhenTheWindowLengthIsKnown()
    {
        _engine.Register("pat:e", provider: "example");
        _engine.ObserveIetf("pat:e", limit: 5, remaining: 5, resetIn: ThirtySeconds, window: ThirtySeconds);

        var now = SubmitAndSettle(5, "pat:e");
        var waits = Enumerable.Range(0, 5).Select(_ => _engine.Submit("pat:e")).ToList();
        var eleventh = _engine.Submit("pat:e");

        Assert.All(now, d => Assert.Equal(Verdict.Approve, d.Verdict));
        Assert.All(waits, d => Assert.Equal(30 + Guard, d.WaitSeconds));
        Assert.Equal(Verdict.ApproveWithModifications, eleventh.Verdict);
        Assert.Equal(60 + Guard, eleventh.WaitSeconds ?? (eleventh.DeferUntil - _engine.Now)?.TotalSeconds);
        Assert.Equal(ReasonCodes.PoolExhausted, eleventh.Reason);
    }

    [Fact]
    public void Wait_LandsInTheSecondWindow_WhenTheFirstIsFull_AndTheWindowLengthIsKnown()
    {
        _engine.Register("pat:e", provider: "example");
        _engine.ObserveIetf("pat:e", limit: 1, remaining: 0, resetIn: TenSeconds, window: TenSeconds);

        var first = _engine.Submit("pat:e");
        var second = _engine.Submit("pat:e");

        Assert.Equal(10 + Guard, first.WaitSeconds);
        Assert.Equal(Verdict.ApproveWithModifications, second.Verdict);
        Assert.Equal(20 + Guard, second.WaitSeconds);
    }

    [Fact]
    public void Wait_FillsEveryKnownWindowAhead_ThenDeniesWithFutureWindowsFull()
    {
        _engine.Register("pat:e", provider: "example");
        _engine.ObserveIetf("pat:e", limit: 1, remaining: 0, resetIn: TenSeconds, window: TenSeconds);

        var planned = Enumerable.Range(0, 16).Select(_ => _engine.Submit("pat:e")).ToList();
        var beyond = _engine.Submit("pat:e");

        Assert.Equal(
            Enumerable.Range(1, 16).Select(k => (double?)((10 * k) + Guard)),
            planned.Select(d => d.WaitSeconds ?? (d.DeferUntil - _engine.Now)?.TotalSeconds));
        Assert.Equal(Verdict.DenyWithReason, beyond.Verdict);
        Assert.Equal(ReasonCodes.WindowsFull, beyond.Reason);
        Assert.Equal(170, beyond.RetryAfterSeconds);
    }

    [Fact]
    public void UnsettledApprovals_OfTheEndingWindow_AreCountedInTheNextWindowToo()
    {
        // Approved calls may still be on their way when the provider resets, so the rule counts them in the
        // first window after the reset as well: with 5 of 5 held, that window has no room yet.
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 5, remaining: 5, resetIn: ThirtySeconds);

        var approved = Enumerable.Range(0, 5).Select(_ => _engine.Submit("pat:a")).ToList();
        var sixth = _engine.Submit("pat:a");
        _engine.Outcome(approved[0].IntentId);
        var afterOneSettled = _engine.Submit("pat:a");

        Assert.All(approved, d => Assert.Equal(Verdict.Approve, d.Verdict));
        Assert.Equal(Verdict.DenyWithReason, sixth.Verdict);
        Assert.Equal(ReasonCodes.PoolExhausted, sixth.Reason);
        Assert.Equal(30, sixth.RetryAfterSeconds);
        Assert.Equal(Verdict.ApproveWithModifications, afterOneSettled.Verdict);
        Assert.Equal(30 + Guard, afterOneSettled.WaitSeconds);
    }

    [Fact]
    public void Deny_WithCostExceedsPoolLimit_WhenOneIntentCostsMoreThanTheWholeWindow()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 5, remaining: 5, resetIn: ThirtySeconds);

        var decision = _engine.Submit("pat:a", cost: 6, workload: "bulk");

        Assert.Equal(Verdict.DenyWithReason, decision.Verdict);
        Assert.Equal(ReasonCodes.CostExceedsLimit, decision.Reason);
        Assert.Null(decision.RetryAfterSeconds);
        Assert.Equal(0, _engine.Pool("pat:a").Reserved);
    }

    [Fact]
    public void UnobservedPool_AdmitsOneProbe_ThenDeniesPoolUnobserved_UntilTheProbeSettlesWithAReading()
    {
        _engine.Register("pat:a");

        var probe = _engine.Submit("pat:a");
        var second = _engine.Submit("pat:a");
        _engine.Outcome(probe.IntentId, response: _engine.GitHubResponse(100, 99, resetIn: ThirtySeconds));
        var afterProbe = _engine.Submit("pat:a");

        Assert.Equal(Verdict.Approve, probe.Verdict);
        Assert.Equal(Verdict.DenyWithReason, second.Verdict);
        Assert.Equal(ReasonCodes.PoolUnobserved, second.Reason);
        Assert.Equal(1, second.RetryAfterSeconds);
        Assert.Equal(Verdict.Approve, afterProbe.Verdict);
        Assert.Equal(99, _engine.Pool("pat:a").Remaining);
        Assert.Equal(100, _engine.Pool("pat:a").Limit);
    }

    [Fact]
    public void UnobservedPool_AdmitsTheNextProbe_WhenTheFirstSettlesWithoutAReading()
    {
        _engine.Register("pat:a");

        var probe = _engine.Submit("pat:a");
        _engine.Outcome(probe.IntentId);
        var nextProbe = _engine.Submit("pat:a");
        var third = _engine.Submit("pat:a");

        Assert.Equal(Verdict.Approve, nextProbe.Verdict);
        Assert.Equal(Verdict.DenyWithReason, third.Verdict);
        Assert.Equal(ReasonCodes.PoolUnobserved, third.Reason);
    }

    [Fact]
    public void Deny_WithResetUnknown_WhenOnlyRemainingIsKnownAndItIsSpent()
    {
        _engine.Register("key:az", provider: "azure-openai");
        _engine.Observe(
            "azure-openai",
            "key:az",
            EngineHarness.Response(
                200, ("x-ratelimit-remaining-requests", "1"), ("x-ratelimit-remaining-tokens", "900")));

        var first = _engine.Submit("key:az");
        var second = _engine.Submit("key:az");

        Assert.Equal(Verdict.Approve, first.Verdict);
        Assert.Equal(Verdict.DenyWithReason, second.Verdict);
        Assert.Equal(ReasonCodes.ResetUnknown, second.Reason);
        Assert.Equal(30, second.RetryAfterSeconds);
    }

    [Fact]
    public void Wait_ForTheProvidersRetryAfter_WhenTheIdentityWasThrottled()
    {
        _engine.Register("pat:a");
        var headers = ProviderBodies.GitHubHeaders(_engine.Now, 5000, 4000, _engine.Now.AddHours(1))
            .Select(h => (h[0], h[1]))
            .Append(("Retry-After", "20"))
            .ToArray();
        _engine.Observe("github", "pat:a", EngineHarness.Response(429, headers));

        var decision = _engine.Submit("pat:a");

        Assert.Equal(Verdict.ApproveWithModifications, decision.Verdict);
        Assert.Equal(20, decision.WaitSeconds);
        Assert.Equal(ReasonCodes.ProviderThrottled, decision.Reason);
        Assert.Equal(_engine.Now.AddSeconds(20), _engine.Pool("pat:a").ThrottledUntil);
    }

    [Fact]
    public void Approve_AgainAfterTheReset_WhenTheFixedWindowRefills()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 2, remaining: 0, resetIn: ThirtySeconds);
        _engine.Advance(ThirtySeconds + CapacityRule.ResetGuard);

        var decisions = Enumerable.Range(0, 3).Select(_ => _engine.Submit("pat:a")).ToList();

        Assert.Equal(
            [Verdict.Approve, Verdict.Approve, Verdict.DenyWithReason],
            decisions.Select(d => d.Verdict));
        Assert.Equal(ReasonCodes.ResetUnknown, decisions[2].Reason);
    }

    [Fact]
    public void Approve_HighUrgencyNow_WhenALaterReadingPlacesTheResetAfterAnIntentWaitingForIt()
    {
        _engine.Register("pat:a");
        var date = _engine.Now;

        // One unit left, the reserve that only high urgency may use: a normal intent waits for the reset.
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 1, resetIn: ThirtySeconds);
        var waiting = _engine.Submit("pat:a", urgency: Urgency.Normal);
        _engine.Advance(TimeSpan.FromSeconds(0.9));

        // Dated the same whole second as the first reading, so it places the same reset 0.9 s later.
        _engine.Observe("github", "pat:a", GitHub(date, limit: 10, remaining: 1, reset: date + ThirtySeconds));
        var high = _engine.Submit("pat:a");

        Assert.Equal(30 + Guard, waiting.WaitSeconds);
        Assert.Equal(Verdict.Approve, high.Verdict);
    }

    [Fact]
    public void Wait_PastTheWindowAfterAProjectedOne_WhileTheProjectedWindowsApprovalsMayStillRunIntoIt()
    {
        var reset = LearnAMinuteWindowOfThree();

        // No reading since: the window from the reset on is projected by the learned length.
        _engine.Advance(TimeSpan.FromSeconds(65));
        var approved = Enumerable.Range(0, 3).Select(_ => _engine.Submit("pat:a")).ToList();
        var next = _engine.Submit("pat:a");

        Assert.All(approved, d => Assert.Equal(Verdict.Approve, d.Verdict));
        Assert.Equal(Verdict.ApproveWithModifications, next.Verdict);
        Assert.Equal(reset.AddSeconds(120) + CapacityRule.ResetGuard, next.DeferUntil);
    }

    [Fact]
    public void Approve_LessThanTheReadingShows_WhenAnOutsideConsumerWillHaveSpentSomeOfItSince()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 100, remaining: 100, resetIn: TimeSpan.FromHours(1));
        _engine.Outcome(_engine.Submit("pat:a").IntentId);
        _engine.Advance(TimeSpan.FromSeconds(60));

        // 15 units in a minute that no intent explains: an outside consumer spending a quarter a second.
        _engine.ObserveGitHub("pat:a", limit: 100, remaining: 84, resetIn: TimeSpan.FromSeconds(3540));
        _engine.Advance(TimeSpan.FromSeconds(16));
        var decisions = Enumerable.Range(0, 84).Select(_ => _engine.Submit("pat:a")).ToList();

        // Since the reading it spent about 4 units; it spends more than 13 once in ten thousand such intervals.
        Assert.Equal(71, decisions.Count(d => d.Verdict == Verdict.Approve));
    }

    [Fact]
    public void Approve_WhatAReadingShowsLeft_WhenItAlreadyCountsTheApprovedCallsThatStarted()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: ThirtySeconds);
        var first = Enumerable.Range(0, 5).Select(_ => _engine.Submit("pat:a")).ToList();

        // The five calls went out, and a reading taken after them shows them spent; none has settled yet.
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 5, resetIn: ThirtySeconds);
        var second = Enumerable.Range(0, 5).Select(_ => _engine.Submit("pat:a")).ToList();
        var eleventh = _engine.Submit("pat:a");

        Assert.All(first.Concat(second), d => Assert.Equal(Verdict.Approve, d.Verdict));
        Assert.Equal(Verdict.ApproveWithModifications, eleventh.Verdict);
        Assert.Equal(30 + Guard, eleventh.WaitSeconds);
    }

    [Fact]
    public void Approve_ByWhatAReadingDatedTheResetsOwnSecondShowsLeft_AfterAHerdWokeAtTheReset()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 0, resetIn: TenSeconds);
        var herd = Enumerable.Range(0, 6).Select(_ => _engine.Submit("pat:a")).ToList();
        _engine.Advance(TenSeconds + CapacityRule.ResetGuard);

        // The herd has called; a reading dated the reset's second shows its six calls spent.
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 4, resetIn: TenSeconds - CapacityRule.ResetGuard);
        var after = Enumerable.Range(0, 4).Select(_ => _engine.Submit("pat:a")).ToList();

        Assert.All(herd, d => Assert.Equal(10 + Guard, d.WaitSeconds));
        Assert.All(after, d => Assert.Equal(Verdict.Approve, d.Verdict));
    }

    [Fact]
    public void Wait_OutTheGuard_AfterAResetProjectedByTheLearnedLength_AsAfterOneAReadingPlaced()
    {
        LearnAMinuteWindowOfThree();

        // No reading since: the reset 60 s after the placed one is projected, and the first 100 ms after it
        // belong to nobody.
        _engine.Advance(TimeSpan.FromSeconds(120.04));
        var decision = _engine.Submit("pat:a");

        Assert.Equal(Verdict.ApproveWithModifications, decision.Verdict);
        Assert.Equal(Guard - 0.04, decision.WaitSeconds!.Value, 6);
    }

    [Fact]
    public void Reserve_ShrinksWithTheTimeTheWindowHasLeft_DownToAQuarter_AndIsReleasedJustBeforeTheReset()
    {
        var reset = _engine.Now.AddSeconds(60);
        var known = new PoolView(100, 100, reset, 60);
        var release = TimeSpan.FromSeconds(0.5);

        double At(PoolView view, double secondsLeft) =>
            CapacityRule.ReserveAt(view, reset.AddSeconds(-secondsLeft), 0.1, release);

        Assert.Equal([10, 5, 2, 2, 0], new[] { 60, 30, 12, 1, 0.4 }.Select(left => At(known, left)));

        // Without the window's length the time left cannot be weighed: the whole reserve stays until the release.
        var unknown = known with { WindowSeconds = null };
        Assert.Equal([10, 10, 0], new[] { 60, 1, 0.4 }.Select(left => At(unknown, left)));
    }

    /// <summary>
    /// Two readings of a 3-unit pool a minute apart, each at its reset: the pool learns the window's length.
    /// Returns the reset the second reading placed.
    /// </summary>
    private DateTimeOffset LearnAMinuteWindowOfThree()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 3, remaining: 3, resetIn: TimeSpan.FromSeconds(60));
        _engine.Advance(TimeSpan.FromSeconds(60));
        _engine.ObserveGitHub("pat:a", limit: 3, remaining: 3, resetIn: TimeSpan.FromSeconds(60));

        return _engine.Now.AddSeconds(60);
    }

    private static Ratelord.Core.Providers.ProviderResponse GitHub(
        DateTimeOffset date,
        double limit,
        double remaining,
        DateTimeOffset reset) =>
        EngineHarness.Response(
            200,
            [.. ProviderBodies.GitHubHeaders(date, limit, remaining, reset).Select(h => (h[0], h[1]))]);

    private List<Ratelord.Core.Commands.IntentDecisionResult> SubmitAndSettle(int count, string identityId = "pat:a")
    {
        var decisions = Enumerable.Range(0, count).Select(_ => _engine.Submit(identityId)).ToList();
        foreach (var decision in decisions)
        {
            _engine.Outcome(decision.IntentId);
        }

        return decisions;
    }
}
