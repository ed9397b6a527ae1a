using Ratelord.Core.Domain;
using Ratelord.Core.Events;

namespace Ratelord.Tests.Policies;

public sealed class PolicyDecisionTests
{
    /// <summary>The example rule: deny when the pool has fewer than 100 left.</summary>
    internal const string DenyBelowHundred = """
        policies:
          - id: floor
            scope: global
            rules:
              - name: keep-hundred
                condition: "pool.remaining < 100"
                action: deny
                reason: below_floor
        """;

    [Fact]
    public void Deny_WhenRuleHolds_CitingTheRule()
    {
        var harness = new EngineHarness(DenyBelowHundred);
        harness.Register("pat:a");
        harness.ObserveGitHub("pat:a", limit: 5000, remaining: 90, resetInSeconds: 600);

        var decision = harness.Ask("agent-1", "pat:a", Urgency.High);

        Assert.Equal(Verdict.DenyWithReason, decision.Verdict);
        Assert.Equal("below_floor", decision.Reason);
        Assert.Contains("floor/keep-hundred", decision.Evaluation.RulesFired);
        Assert.NotNull(decision.RetryAfterSeconds);
        Assert.InRange(decision.RetryAfterSeconds!.Value, 599, 601);
    }

    [Fact]
    public void Approve_WhenRuleDoesNotHold()
    {
        var harness = new EngineHarness(DenyBelowHundred);
        harness.Register("pat:a");
        harness.ObserveGitHub("pat:a", limit: 5000, remaining: 500, resetInSeconds: 600);

        var decision = harness.Ask("agent-1", "pat:a", Urgency.High);

        Assert.Equal(Verdict.Approve, decision.Verdict);
        Assert.Empty(decision.Evaluation.RulesFired);
    }

    [Fact]
    public void FiredRule_IsRecordedAsPolicyTriggeredEvent()
    {
        var harness = new EngineHarness(DenyBelowHundred);
        harness.Register("pat:a");
        harness.ObserveGitHub("pat:a", limit: 5000, remaining: 90, resetInSeconds: 600);

        var (_, events) = harness.Engine.Execute(
            new Ratelord.Core.Commands.SubmitIntent(
                "agent-1",
                "pat:a",
                "w",
                "global",
                Urgency.Normal,
                null,
                null,
                null,
                null,
                false),
            harness.Now);

        var triggered = Assert.Single(events.Select(e => e.Payload).OfType<PolicyTriggered>());
        Assert.Equal("floor", triggered.PolicyId);
        Assert.Equal("keep-hundred", triggered.Rule);
        var decided = Assert.Single(events.Select(e => e.Payload).OfType<IntentDecided>());
        Assert.Equal(["floor/keep-hundred"], decided.RulesFired);
        Assert.Equal(harness.Policy.Version, decided.PolicyVersion);
    }

    [Fact]
    public void HighRisk_DefersBackground_ApprovesHigh()
    {
        var harness = new EngineHarness("""
            policies:
              - id: safety
                scope: global
                rules:
                  - name: protect
                    condition: "risk.p_exhaustion > 0.5 and intent.urgency == 'background'"
                    action: defer
            """);
        harness.Register("pat:a");

        // 300 of 5000 left and the reset an hour away: the pool will not last at any plausible rate.
        harness.ObserveGitHub("pat:a", limit: 5000, remaining: 300, resetInSeconds: 3600);

        var background = harness.Ask("crawler", "pat:a", Urgency.Background);
        var high = harness.Ask("oncall", "pat:a", Urgency.High);

        Assert.Equal(Verdict.ApproveWithModifications, background.Verdict);
        Assert.Equal(ReasonCodes.DeferredByPolicy, background.Reason);
        Assert.True(background.DeferUntil >= harness.Now.AddSeconds(3600), "a deferral lands after the reset");
        Assert.Equal(Verdict.Approve, high.Verdict);
    }

    [Fact]
    public void LowerLevel_CannotLoosenWhatAHigherOneForbids()
    {
        var harness = new EngineHarness("""
            policies:
              - id: global-freeze
                scope: global
                rules:
                  - { name: freeze, condition: "intent.workload == 'deploy'", action: deny, reason: frozen }
              - id: team
                scope: "org:acme"
                rules:
                  - { name: let-deploys-through, condition: "intent.workload == 'deploy'", action: approve }
            """);
        harness.Register("pat:a");
        harness.ObserveGitHub("pat:a", limit: 5000, remaining: 5000, resetInSeconds: 3600);

        var decision = harness.Ask("agent", "pat:a", Urgency.High, workload: "deploy", scope: "org:acme/repo:web");

        Assert.Equal(Verdict.DenyWithReason, decision.Verdict);
        Assert.Equal("frozen", decision.Reason);
        Assert.Contains("team/let-deploys-through", decision.Evaluation.RulesFired);
    }

    [Theory]
    [InlineData("org:acme", true)]
    [InlineData("org:acme/repo:web", true)]
    [InlineData("org:acmecorp", false)]
    [InlineData("org:other/repo:web", false)]
    public void ScopePolicy_CoversItsScopeAndBelow(string scope, bool denied)
    {
        var harness = new EngineHarness("""
            policies:
              - id: acme
                scope: "org:acme"
                rules:
                  - { name: stop, condition: "true", action: deny, reason: acme_stop }
            """);
        harness.Register("pat:a");
        harness.ObserveGitHub("pat:a", limit: 5000, remaining: 5000, resetInSeconds: 3600);

        var decision = harness.Ask("agent", "pat:a", Urgency.High, scope: scope);

        Assert.Equal(denied, decision.Verdict == Verdict.DenyWithReason);
    }

    [Fact]
    public void Switch_MovesWorkToTheSaferIdentity_AndSaysWhich()
    {
        var harness = new EngineHarness("""
            policies:
              - id: spread
                scope: global
                rules:
                  - { name: move-off-risky, condition: "pool.remaining_percent < 20", action: switch }
            """);
        harness.Register("pat:busy");
        harness.Register("pat:spare");
        harness.ObserveGitHub("pat:busy", limit: 5000, remaining: 100, resetInSeconds: 3000);
        harness.ObserveGitHub("pat:spare", limit: 5000, remaining: 4900, resetInSeconds: 3000);

        var decision = harness.Ask("agent", "pat:busy", Urgency.Normal);

        Assert.Equal(Verdict.ApproveWithModifications, decision.Verdict);
        Assert.Equal("pat:spare", decision.IdentitySwitch);
        Assert.Null(decision.WaitSeconds);
        var spare = harness.Engine.State.Pools.Find(new PoolKey("github", "core", "pat:spare"))!;
        Assert.Equal(1, spare.Reserved);
    }

    [Fact]
    public void HighUrgency_MayUseTheReserve_NormalMayNot()
    {
        var harness = new EngineHarness();
        harness.Register("pat:a");

        // 5 left of 100: inside the default 10% reserve.
        harness.ObserveGitHub("pat:a", limit: 100, remaining: 5, resetInSeconds: 30);

        var normal = harness.Ask("agent", "pat:a", Urgency.Normal);
        var high = harness.Ask("agent", "pat:a", Urgency.High);

        Assert.NotEqual(Verdict.Approve, normal.Verdict);
        Assert.True(normal.WaitSeconds >= 29 || normal.Verdict == Verdict.DenyWithReason);
        Assert.Equal(Verdict.Approve, high.Verdict);
    }

    [Fact]
    public void RisingRisk_PacesNormalIntents_EachToItsOwnSlot()
    {
        var harness = new EngineHarness("""
            defaults: { high_urgency_reserve_percent: 0 }
            """);
        harness.Register("pat:a");
        harness.ObserveGitHub("pat:a", limit: 1000, remaining: 20, resetInSeconds: 100);

        var waits = Enumerable.Range(0, 5).Select(_ => harness.Ask("agent", "pat:a").WaitSeconds ?? 0).ToList();

        Assert.All(waits, w => Assert.True(w > 0, "a pool at risk paces every normal intent"));
        Assert.Equal(waits.OrderBy(w => w), waits);
        Assert.Equal(waits.Count, waits.Distinct().Count());
        Assert.True(waits[^1] < 100, "pacing spreads what is left before the reset, not after it");
    }

    [Fact]
    public void NoisyAgent_IsPacedLongerThanItsQuietNeighbours()
    {
        var harness = new EngineHarness("""
            defaults: { high_urgency_reserve_percent: 0 }
            """);
        harness.Register("pat:a");
        harness.ObserveGitHub("pat:a", limit: 10000, remaining: 400, resetInSeconds: 600);
        for (var i = 0; i < 30; i++)
        {
            harness.Ask("noisy", "pat:a", Urgency.High);
        }

        harness.Ask("quiet-1", "pat:a", Urgency.High);
        harness.Ask("quiet-2", "pat:a", Urgency.High);

        var quiet = harness.Ask("quiet-1", "pat:a");
        var noisy = harness.Ask("noisy", "pat:a");

        Assert.Equal(ReasonCodes.FairShareExceeded, noisy.Reason);
        var quietWait = quiet.WaitSeconds ?? 0;
        var noisyGap = (noisy.WaitSeconds ?? 0) - quietWait;
        Assert.True(
            noisyGap > quietWait,
            $"the noisy agent's slot ({noisy.WaitSeconds}s) is further out than a fair one's ({quietWait}s)");
    }

    [Fact]
    public void Budget_DeniesAnIntentThatWouldCrossIt()
    {
        var harness = new EngineHarness("""
            workloads:
              chat: { pools: [ { provider: openai, pool: tokens, cost: expected } ] }
            pricing:
              openai: { tokens: 2.5 }
            budgets:
              - { id: team-daily, scope: "org:acme", limit_usd: 1, window: daily, timezone: UTC }
            defaults: { high_urgency_reserve_percent: 0 }
            """);
        harness.Register("key:openai", "openai");

        // 500,000 tokens at 2.5 micro-USD is 1.25 USD: more than the whole budget.
        var decision = harness.Ask(
            "agent",
            "key:openai",
            Urgency.High,
            workload: "chat",
            scope: "org:acme/app",
            cost: 500_000);
        var small = harness.Ask(
            "agent",
            "key:openai",
            Urgency.High,
            workload: "chat",
            scope: "org:acme/app",
            cost: 1000);

        Assert.Equal(Verdict.DenyWithReason, decision.Verdict);
        Assert.Equal(ReasonCodes.BudgetExhausted, decision.Reason);
        Assert.InRange(decision.RetryAfterSeconds!.Value, 11.9 * 3600, 12.1 * 3600);
        Assert.NotEqual(Verdict.DenyWithReason, small.Verdict);
    }

    [Fact]
    public void Budget_CountsSettledSpend()
    {
        var harness = new EngineHarness("""
            workloads:
              chat: { pools: [ { provider: openai, pool: tokens, cost: expected } ] }
            pricing:
              openai: { tokens: 1 }
            budgets:
              - { id: small, scope: global, limit_usd: 0.01, window: hourly }
            defaults: { high_urgency_reserve_percent: 0 }
            """);
        harness.Register("key:openai", "openai");
        var first = harness.Ask("agent", "key:openai", Urgency.High, workload: "chat", cost: 1000);
        harness.Run(new Ratelord.Core.Commands.ReportOutcome(first.IntentId, "completed", 9000, null, "auto"));

        var second = harness.Ask("agent", "key:openai", Urgency.High, workload: "chat", cost: 2000);

        Assert.Equal(Verdict.DenyWithReason, second.Verdict);
        Assert.Equal(ReasonCodes.BudgetExhausted, second.Reason);
    }

    [Fact]
    public void Debug_ReturnsEveryRuleWithItsInputs()
    {
        var harness = new EngineHarness(DenyBelowHundred);
        harness.Register("pat:a");
        harness.ObserveGitHub("pat:a", limit: 5000, remaining: 4000, resetInSeconds: 600);

        var decision = harness.Ask("agent", "pat:a", Urgency.High, debug: true);

        var rule = Assert.Single(decision.Trace!.Rules);
        Assert.False(rule.Result);
        Assert.Equal(4000d, rule.Inputs["pool.remaining"]);
    }
}
