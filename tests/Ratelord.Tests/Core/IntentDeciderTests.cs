using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Policies;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Core;

/// <summary>
/// Decisions on intents and their outcomes, through the engine on a fake clock: how long an agent
/// may wait, who may ask, what an outcome charges and when an unsettled approval lets go.
/// </summary>
public sealed class IntentDeciderTests
{
    private static readonly TimeSpan ThirtySeconds = TimeSpan.FromSeconds(30);

    // A wait for a reset ends this long after it (see CapacityRule.ResetGuard).
    private static readonly double Guard = CapacityRule.ResetGuard.TotalSeconds;

    private readonly EngineHarness _engine = new(new RatelordOptions
    {
        Workloads = new WorkloadCatalog([new WorkloadDefinition("bulk", [new WorkloadPool("github", "core", null)])]),
    });

    [Fact]
    public void Deny_WithWaitExceedsMaxWait_AndTheWaitAsRetry_WhenTheAgentCannotWait()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 0, resetIn: ThirtySeconds);

        var decision = _engine.Submit("pat:a", maxWait: 0);

        Assert.Equal(Verdict.DenyWithReason, decision.Verdict);
        Assert.Equal(ReasonCodes.WaitTooLong, decision.Reason);
        Assert.Equal(30 + Guard, decision.RetryAfterSeconds);
        Assert.Null(decision.ValidUntil);
        Assert.Equal(0, _engine.Pool("pat:a").Reserved);
    }

    [Fact]
    public void Approve_WithTheWait_WhenItEqualsTheLongestTheAgentAccepts()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 0, resetIn: ThirtySeconds);

        var decision = _engine.Submit("pat:a", maxWait: 30 + Guard);

        Assert.Equal(Verdict.ApproveWithModifications, decision.Verdict);
        Assert.Equal(30 + Guard, decision.WaitSeconds);
    }

    [Fact]
    public void Approve_NowEvenWithMaxWaitZero_WhenThereIsRoom()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: ThirtySeconds);

        var decision = _engine.Submit("pat:a", maxWait: 0);

        Assert.Equal(Verdict.Approve, decision.Verdict);
    }

    [Fact]
    public void Defer_UntilTheReset_WhenTheWaitIsLongerThanDeferAfter()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 0, resetIn: TimeSpan.FromMinutes(10));

        var decision = _engine.Submit("pat:a");

        Assert.Equal(Verdict.ApproveWithModifications, decision.Verdict);
        Assert.Null(decision.WaitSeconds);
        Assert.Equal(_engine.Now.AddMinutes(10) + CapacityRule.ResetGuard, decision.DeferUntil);
        Assert.Equal(ReasonCodes.PoolExhausted, decision.Reason);
    }

    [Fact]
    public void Deny_WithUnknownIdentity_WhenTheIdentityWasNeverRegistered()
    {
        var decision = _engine.Submit("pat:nobody");

        Assert.Equal(Verdict.DenyWithReason, decision.Verdict);
        Assert.Equal(ReasonCodes.UnknownIdentity, decision.Reason);
        Assert.Equal(["intent_submitted", "intent_decided"], _engine.Log.Select(e => e.Type));
    }

    [Fact]
    public void Deny_WithIdentityDeleted_AfterTheIdentityIsDeleted()
    {
        _engine.Register("pat:a");
        _engine.Execute(new DeleteIdentity("pat:a"));

        var decision = _engine.Submit("pat:a");

        Assert.Equal(Verdict.DenyWithReason, decision.Verdict);
        Assert.Equal(ReasonCodes.IdentityDeleted, decision.Reason);
    }

    [Fact]
    public void Decision_IsRecordedAfterItsSubmission_WithTheIntentsDimensions()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: ThirtySeconds);
        var before = _engine.Log.Count;

        var decision = _engine.Submit("pat:a", agent: "crawler-01");

        var events = _engine.Log.Skip(before).ToList();
        var submitted = Assert.IsType<IntentSubmitted>(events[0].Payload);
        var decided = Assert.IsType<IntentDecided>(events[1].Payload);
        Assert.Equal(decision.IntentId, submitted.IntentId);
        Assert.Equal(decision.IntentId, decided.IntentId);
        Assert.Equal(events[0].EventId, events[1].CausationId);
        Assert.Equal(events[0].CorrelationId, events[1].CorrelationId);
        Assert.Equal(
            new EventDimensions("crawler-01", "pat:a", "default", Sentinels.GlobalScope),
            events[1].Dimensions);
        Assert.Equal("builtin", decided.PolicyVersion);
        Assert.Equal("github/core@pat:a", decided.TightestPool);
    }

    [Fact]
    public void ExpireApprovals_ReleasesAnApproval_OnceItsValidityHasEnded()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: TimeSpan.FromHours(1));
        var decision = _engine.Submit("pat:a");
        Assert.Equal(_engine.Now + new RatelordOptions().ApprovalTtl, decision.ValidUntil);

        _engine.Advance(TimeSpan.FromSeconds(59));
        var early = _engine.Expire();
        _engine.Advance(TimeSpan.FromSeconds(1));
        var due = _engine.Expire();
        var again = _engine.Expire();

        Assert.Equal(0, early);
        Assert.Equal(1, due);
        Assert.Equal(0, again);
        Assert.Equal(0, _engine.Pool("pat:a").Reserved);
        Assert.Equal(10, _engine.Pool("pat:a").Remaining);
        var record = _engine.State.Intents.Find(decision.IntentId)!;
        Assert.Equal(SettlementOutcomes.Expired, record.Settlement?.Outcome);
        Assert.False(record.HoldsReservation);
        Assert.Null(_engine.State.Intents.NextExpiry());
    }

    [Fact]
    public void ExpireApprovals_CountsTheDurationHint_AndAWaitFromTheStart()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 0, resetIn: ThirtySeconds);
        var decision = _engine.Submit("pat:a", duration: 15);

        var start = _engine.Now + ThirtySeconds + CapacityRule.ResetGuard;
        Assert.Equal(start + TimeSpan.FromSeconds(60 + 15), decision.ValidUntil);
        _engine.Advance(TimeSpan.FromSeconds(104));
        Assert.Equal(0, _engine.Expire());
        _engine.Advance(TimeSpan.FromSeconds(1) + CapacityRule.ResetGuard);
        Assert.Equal(1, _engine.Expire());
    }

    [Fact]
    public void Outcome_WithoutProviderHeaders_ChargesThePoolAndReleasesTheReservation()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: TimeSpan.FromHours(1));
        var decision = _engine.Submit("pat:a");

        var outcome = _engine.Outcome(decision.IntentId);

        Assert.Empty(outcome.UpdatedPools);
        Assert.Null(outcome.Reading);
        Assert.Equal(9, _engine.Pool("pat:a").Remaining);
        Assert.Equal(0, _engine.Pool("pat:a").Reserved);
        var settled = Assert.IsType<IntentSettled>(_engine.Log.Last(e => e.Payload is IntentSettled).Payload);
        Assert.Equal([new PoolCharge(new PoolKey("github", "core", "pat:a"), 1)], settled.Charges);
    }

    [Fact]
    public void Outcome_WithoutProviderHeaders_ChargesTheActualCost_OfAnExpectedCostWorkload()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 100, remaining: 100, resetIn: TimeSpan.FromHours(1));
        var decision = _engine.Submit("pat:a", cost: 10, workload: "bulk");

        _engine.Outcome(decision.IntentId, actualCost: 4);

        Assert.Equal(96, _engine.Pool("pat:a").Remaining);
    }

    [Fact]
    public void Outcome_WithProviderHeaders_ReplacesRemainingWithTheReading_AndChargesNothingMore()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: TimeSpan.FromHours(1));
        var decision = _engine.Submit("pat:a");
        _engine.Advance(TimeSpan.FromSeconds(2));

        var outcome = _engine.Outcome(
            decision.IntentId,
            response: _engine.GitHubResponse(10, 4, resetIn: TimeSpan.FromHours(1) - TimeSpan.FromSeconds(2)));

        Assert.Equal([new PoolKey("github", "core", "pat:a")], outcome.UpdatedPools);
        Assert.Equal(4, _engine.Pool("pat:a").Remaining);
        Assert.Equal(0, _engine.Pool("pat:a").Reserved);
        var settled = Assert.IsType<IntentSettled>(_engine.Log.Last(e => e.Payload is IntentSettled).Payload);
        Assert.Empty(settled.Charges);
        var observed = Assert.IsType<ProviderObserved>(_engine.Log.Last(e => e.Payload is ProviderObserved).Payload);
        Assert.Equal(decision.IntentId, observed.IntentId);
    }

    [Fact]
    public void Outcome_Cancelled_ReleasesTheReservationWithoutCharging()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: TimeSpan.FromHours(1));
        var decision = _engine.Submit("pat:a");

        _engine.Outcome(decision.IntentId, SettlementOutcomes.Cancelled);

        Assert.Equal(10, _engine.Pool("pat:a").Remaining);
        Assert.Equal(0, _engine.Pool("pat:a").Reserved);
    }

    [Fact]
    public void Outcome_Failed_ThatItsAgentSaysCostNothing_ReleasesTheReservationWithoutCharging()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: TimeSpan.FromHours(1));
        var decision = _engine.Submit("pat:a");
        var unavailable = EngineHarness.Response(503, ("date", ProviderBodies.HttpDate(_engine.Now)));

        _engine.Outcome(decision.IntentId, SettlementOutcomes.Failed, actualCost: 0, response: unavailable);

        Assert.Equal(10, _engine.Pool("pat:a").Remaining);
        Assert.Equal(0, _engine.Pool("pat:a").Reserved);
        var settled = Assert.IsType<IntentSettled>(_engine.Log.Last(e => e.Payload is IntentSettled).Payload);
        Assert.Empty(settled.Charges);
    }

    [Fact]
    public void Outcome_Failed_WithoutACost_IsChargedAsTheCallItWasApprovedFor()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: TimeSpan.FromHours(1));
        var decision = _engine.Submit("pat:a");

        _engine.Outcome(decision.IntentId, SettlementOutcomes.Failed);

        Assert.Equal(9, _engine.Pool("pat:a").Remaining);
    }

    [Fact]
    public void Outcome_AfterTheApprovalExpired_IsStillTakenAndCharged()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: TimeSpan.FromHours(1));
        var decision = _engine.Submit("pat:a");
        _engine.Advance(TimeSpan.FromMinutes(2));
        _engine.Expire();

        _engine.Outcome(decision.IntentId);

        Assert.Equal(9, _engine.Pool("pat:a").Remaining);
        Assert.Equal(SettlementOutcomes.Completed, _engine.State.Intents.Find(decision.IntentId)!.Settlement!.Outcome);
    }

    [Fact]
    public void Outcome_IsRejected_ForAnUnknownIntent_ADeniedIntent_AndASecondReport()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 10, remaining: 10, resetIn: TimeSpan.FromHours(1));
        var approved = _engine.Submit("pat:a");
        var denied = _engine.Submit("pat:nobody");
        _engine.Outcome(approved.IntentId);
        var logged = _engine.Log.Count;

        var unknown = Assert.Throws<CommandRejectedException>(() => _engine.Outcome(Guid.NewGuid()));
        var ofDenied = Assert.Throws<CommandRejectedException>(() => _engine.Outcome(denied.IntentId));
        var twice = Assert.Throws<CommandRejectedException>(() => _engine.Outcome(approved.IntentId));

        Assert.Equal(("intent_not_found", 404), (unknown.Code, unknown.Status));
        Assert.Equal(("intent_denied", 409), (ofDenied.Code, ofDenied.Status));
        Assert.Equal(("intent_already_settled", 409), (twice.Code, twice.Status));
        Assert.Equal(logged, _engine.Log.Count);
        Assert.Equal(9, _engine.Pool("pat:a").Remaining);
    }

    [Fact]
    public void Outcome_OfASwitchedIntent_TeachesThePoolOfTheIdentityItSwitchedTo()
    {
        _engine.Register("pat:a");
        _engine.Register("pat:b");
        _engine.ObserveGitHub("pat:b", limit: 5000, remaining: 4000, resetIn: TimeSpan.FromMinutes(30));
        _engine.Submit("pat:a");

        var switched = _engine.Submit("pat:a");
        Assert.Equal("pat:b", switched.IdentitySwitch);
        _engine.Outcome(
            switched.IntentId,
            response: _engine.GitHubResponse(5000, 3990, TimeSpan.FromMinutes(30)));

        Assert.Equal(3990, _engine.Pool("pat:b").Remaining);
        Assert.Null(_engine.State.Pools.Find(new PoolKey("github", "core", "pat:a"))?.Remaining);
        var observed = _engine.Log.Last(e => e.Payload is ProviderObserved);
        Assert.Equal("pat:b", ((ProviderObserved)observed.Payload).IdentityId);
        Assert.Equal("pat:b", observed.Dimensions.IdentityId);
    }

    [Fact]
    public void Outcome_WithOnlyARemainingHeader_IsReadAsTheIdentitysOwnProvider_NotAsAnotherFormat()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", limit: 5000, remaining: 4990, resetIn: TimeSpan.FromMinutes(30));
        var approved = _engine.Submit("pat:a");

        var settled = _engine.Outcome(
            approved.IntentId,
            actualCost: 1,
            response: EngineHarness.Response(200, ("x-ratelimit-remaining", "4989")));

        Assert.Equal([new PoolKey("github", "core", "pat:a")], settled.UpdatedPools);
        Assert.Equal((5000, 4989), (_engine.Pool("pat:a").Limit, _engine.Pool("pat:a").Remaining));
        Assert.Single(_engine.State.Pools.All);
    }
}
