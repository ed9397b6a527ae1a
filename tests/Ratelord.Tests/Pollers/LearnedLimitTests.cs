using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;
using Ratelord.Core.Providers;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Pollers;

/// <summary>
/// Throttling that no header explains becomes a learned limit on the identity (and workload), which
/// later decisions respect until the evidence ages out.
/// </summary>
public sealed class LearnedLimitTests
{
    private readonly EngineHarness _engine = new();

    public LearnedLimitTests()
    {
        _engine.Register("pat:a");
        _engine.ObserveGitHub("pat:a", 5000, 4000, TimeSpan.FromHours(1));
    }

    [Fact]
    public void OneUnexplainedThrottle_IsEvidence_ButNoLimitYet()
    {
        BareThrottle();

        Assert.Single(_engine.Log, e => e.Payload is ThrottleUnexplained);
        Assert.DoesNotContain(_engine.Log, e => e.Payload is LearnedLimitRecorded);
        Assert.Empty(_engine.State.LearnedLimits.ActiveAt(_engine.Now));
    }

    [Fact]
    public void RepeatedUnexplainedThrottles_BecomeALimit_ThatPacesLaterIntents()
    {
        BareThrottle();
        _engine.Advance(TimeSpan.FromSeconds(10));
        BareThrottle();
        _engine.Advance(TimeSpan.FromSeconds(30));

        var limit = Assert.Single(_engine.State.LearnedLimits.ActiveAt(_engine.Now));
        var first = _engine.Submit("pat:a");
        var second = _engine.Submit("pat:a", workload: "other");

        Assert.Equal(new LearnedLimit(
            "github",
            "pat:a",
            Sentinels.Unspecified,
            1,
            60,
            2,
            limit.RecordedAt,
            limit.RecordedAt + LearnedLimits.Lifetime,
            limit.Reason), limit);
        Assert.Equal(Verdict.Approve, first.Verdict);
        Assert.Equal(Verdict.ApproveWithModifications, second.Verdict);
        Assert.Equal(ReasonCodes.LearnedLimit, second.Reason);
        Assert.Equal(60, second.WaitSeconds);
    }

    [Fact]
    public void LearnedLimit_AllowsHalfTheIntentsThatStartedBeforeTheThrottle()
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(Verdict.Approve, _engine.Submit("pat:a").Verdict);
        }

        BareThrottle();
        BareThrottle();

        Assert.Equal(5, Assert.Single(_engine.State.LearnedLimits.ActiveAt(_engine.Now)).MaxIntents);
    }

    [Fact]
    public void FurtherEvidence_HalvesTheLimit_AndRenewsItsLifetime()
    {
        for (var i = 0; i < 8; i++)
        {
            _engine.Submit("pat:a");
        }

        BareThrottle();
        BareThrottle();
        _engine.Advance(TimeSpan.FromMinutes(5));
        BareThrottle();

        var limit = Assert.Single(_engine.State.LearnedLimits.ActiveAt(_engine.Now));
        Assert.Equal(2, limit.MaxIntents);
        Assert.Equal(3, limit.Evidence);
        Assert.Equal(_engine.Now + LearnedLimits.Lifetime, limit.ExpiresAt);
    }

    [Fact]
    public void LearnedLimit_AgesOut()
    {
        BareThrottle();
        BareThrottle();
        _engine.Advance(LearnedLimits.Lifetime + TimeSpan.FromSeconds(1));

        var first = _engine.Submit("pat:a");
        var second = _engine.Submit("pat:a");

        Assert.Empty(_engine.State.LearnedLimits.ActiveAt(_engine.Now));
        Assert.Equal(Verdict.Approve, first.Verdict);
        Assert.Equal(Verdict.Approve, second.Verdict);
    }

    [Fact]
    public void EvidenceOlderThanItsWindow_DoesNotAddUp()
    {
        BareThrottle();
        _engine.Advance(LearnedLimits.EvidenceWindow + TimeSpan.FromSeconds(1));
        BareThrottle();

        Assert.Equal(2, _engine.Log.Count(e => e.Payload is ThrottleUnexplained));
        Assert.Empty(_engine.State.LearnedLimits.ActiveAt(_engine.Now));
    }

    [Fact]
    public void AThrottleThatAnExhaustedPoolExplains_IsNoEvidence()
    {
        _engine.ObserveGitHub("pat:a", 5000, 0, TimeSpan.FromMinutes(5), status: 429);
        _engine.ObserveGitHub("pat:a", 5000, 0, TimeSpan.FromMinutes(5), status: 429);

        Assert.DoesNotContain(_engine.Log, e => e.Payload is ThrottleUnexplained);
    }

    [Fact]
    public void ATokenPoolAlmostEmpty_ExplainsA429_ThatLeftItAboveZero()
    {
        _engine.Register("key:o", "openai");
        var response = EngineHarness.Response(
            429,
            ("Date", ProviderBodies.HttpDate(_engine.Now)),
            ("x-ratelimit-limit-tokens", "150000"),
            ("x-ratelimit-remaining-tokens", "1200"),
            ("x-ratelimit-reset-tokens", "20s"),
            ("x-ratelimit-limit-requests", "500"),
            ("x-ratelimit-remaining-requests", "450"));

        _engine.Observe("openai", "key:o", response);
        _engine.Observe("openai", "key:o", response);

        Assert.DoesNotContain(_engine.Log, e => e.Payload is ThrottleUnexplained);
    }

    [Fact]
    public void ThrottledOutcomes_TeachALimitOnTheirWorkload_Alone()
    {
        for (var i = 0; i < 2; i++)
        {
            var intent = _engine.Submit("pat:a", workload: "repo_scan");
            var throttled = _engine.GitHubResponse(5000, 3900, TimeSpan.FromHours(1), 429);
            _engine.Outcome(intent.IntentId, SettlementOutcomes.Failed, response: throttled);
        }

        // The first throttle held the second intent back for GitHub's minute; both have left the window since.
        _engine.Advance(TimeSpan.FromSeconds(121));
        var limit = Assert.Single(_engine.State.LearnedLimits.ActiveAt(_engine.Now));
        var scan = _engine.Submit("pat:a", workload: "repo_scan");
        var scanAgain = _engine.Submit("pat:a", workload: "repo_scan");
        var other = _engine.Submit("pat:a", workload: "issue_triage");

        Assert.Equal("repo_scan", limit.WorkloadId);
        Assert.True(scan.Verdict == Verdict.Approve, $"{scan.Verdict} {scan.Reason} {scan.WaitSeconds}");
        Assert.Equal(ReasonCodes.LearnedLimit, scanAgain.Reason);
        Assert.True(other.Verdict == Verdict.Approve, $"{other.Verdict} {other.Reason} {other.WaitSeconds}");
        Assert.Contains(_engine.Log, e => e.Payload is ThrottleUnexplained { IntentId: not null });
    }

    [Fact]
    public void Replay_RebuildsTheSameLearnedLimits()
    {
        BareThrottle();
        BareThrottle();
        _engine.Submit("pat:a");

        var replayed = new RatelordEngine(new RatelordOptions());
        replayed.Rebuild(_engine.Log);

        Assert.Equal(
            _engine.State.LearnedLimits.ActiveAt(_engine.Now),
            replayed.State.LearnedLimits.ActiveAt(_engine.Now));
        Assert.Equal(
            _engine.State.LearnedLimits.EarliestStart("pat:a", "default", _engine.Now),
            replayed.State.LearnedLimits.EarliestStart("pat:a", "default", _engine.Now));
    }

    /// <summary>A 429 with no rate-limit header at all, while every known pool has room.</summary>
    private void BareThrottle() =>
        _engine.Observe("auto", "pat:a", EngineHarness.Response(429, ("Date", ProviderBodies.HttpDate(_engine.Now))));
}
