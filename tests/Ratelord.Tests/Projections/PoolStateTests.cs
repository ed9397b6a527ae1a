using Ratelord.Core.Domain;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Projections;
using Ratelord.Core.Providers;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Projections;

/// <summary>
/// Where a pool places a fixed window's reset on the daemon's clock. GitHub's <c>date</c> has whole seconds and
/// every response takes time to arrive, so each reading places the same reset a little late, each by its own
/// amount; the pool must keep one placement per reset, and must not let a late response undo a reset.
/// </summary>
public sealed class PoolStateTests
{
    private static readonly DateTimeOffset Epoch = EngineHarness.Epoch;

    private readonly EngineHarness _engine = new();

    public PoolStateTests()
    {
        _engine.Register("pat:a");
    }

    private PoolState Pool => _engine.Pool("pat:a");

    [Fact]
    public void ResetAt_KeepsTheEarliestPlacement_WhileReadingsNameTheSameReset()
    {
        Read(date: Epoch, remaining: 9, reset: Epoch.AddSeconds(30));
        _engine.Advance(TimeSpan.FromSeconds(0.9));

        // Dated the same whole second, so it places the same reset 0.9 s later.
        Read(date: Epoch, remaining: 8, reset: Epoch.AddSeconds(30));

        Assert.Equal(Epoch.AddSeconds(30), Pool.ResetAt);
        Assert.Equal(8, Pool.Remaining);
    }

    [Fact]
    public void ResetAt_CarriesTheLastPlacementToTheNextReset_ByTheProvidersTimeBetweenThem()
    {
        LearnAMinuteWindow();
        _engine.Advance(TimeSpan.FromSeconds(60.9));

        Read(date: Epoch.AddSeconds(120), remaining: 9, reset: Epoch.AddSeconds(180));

        Assert.Equal(Epoch.AddSeconds(180), Pool.ResetAt);
    }

    [Fact]
    public void ResetAt_TakesTheNewPlacement_WhenItDisagreesWithTheCarriedOneByMoreThanTheDateCanExplain()
    {
        LearnAMinuteWindow();
        _engine.Advance(TimeSpan.FromSeconds(65));

        // Five seconds later than the provider's clock says: the daemon's clock was stepped.
        Read(date: Epoch.AddSeconds(120), remaining: 9, reset: Epoch.AddSeconds(180));

        Assert.Equal(Epoch.AddSeconds(185), Pool.ResetAt);
    }

    [Fact]
    public void ResetAt_OfTheNextOneSecondWindow_IsNotTakenForTheSameReset()
    {
        Read(date: Epoch, remaining: 9, reset: Epoch.AddSeconds(1));
        _engine.Advance(TimeSpan.FromSeconds(1.3));

        Read(date: Epoch.AddSeconds(1), remaining: 9, reset: Epoch.AddSeconds(2));

        // Carried a second on from the first placement, not kept at it as if the reset were the same.
        Assert.Equal(Epoch.AddSeconds(2), Pool.ResetAt);
        Assert.Equal(9, Pool.ViewAt(_engine.Now).Remaining);
    }

    [Fact]
    public void Reading_ThatCrossedTheResetInFlight_DoesNotHoldBackTheWindowAfterIt()
    {
        Read(date: Epoch, remaining: 5, reset: Epoch.AddSeconds(2));
        _engine.Advance(TimeSpan.FromSeconds(2.1));

        // Answered before the reset, read after it.
        Read(date: Epoch.AddSeconds(1), remaining: 3, reset: Epoch.AddSeconds(2));

        var view = Pool.ViewAt(_engine.Now);
        Assert.Equal(10, view.Remaining);
        Assert.Equal(2, Pool.Observations);
    }

    [Fact]
    public void Reading_OvertakenByTheNextWindowsReading_LeavesThePoolAFixedWindow()
    {
        Read(date: Epoch, remaining: 5, reset: Epoch.AddSeconds(60));
        _engine.Advance(TimeSpan.FromSeconds(60.1));
        Read(date: Epoch.AddSeconds(60), remaining: 9, reset: Epoch.AddSeconds(120));

        Read(date: Epoch.AddSeconds(59), remaining: 4, reset: Epoch.AddSeconds(60));

        Assert.Equal(RefillKind.FixedWindow, Pool.Refill);
        Assert.Equal(9, Pool.Remaining);
        Assert.Equal(Epoch.AddSeconds(120), Pool.ResetAt);
        Assert.Equal(0, Pool.Drift.Count);
    }

    [Theory]
    [InlineData(10, 7200)]
    [InlineData(1800, 7200)]
    public void LearnedWindow_IsNotTaken_FromResetsFurtherApartThanAnyReadingShowedLeft(
        int resetIn,
        int gap)
    {
        // Readings hours apart of a pool whose readings never showed more than resetIn left: windows passed
        // unseen between the two resets, so their distance is no window's length.
        Read(date: Epoch, remaining: 5, reset: Epoch.AddSeconds(resetIn));
        _engine.Advance(TimeSpan.FromSeconds(gap));
        Read(date: Epoch.AddSeconds(gap), remaining: 9, reset: Epoch.AddSeconds(gap + resetIn));

        Assert.Null(Pool.LearnedWindowSeconds);
        Assert.Equal(10, Pool.ViewAt(Epoch.AddSeconds(gap + resetIn + 1)).Remaining);
    }

    [Fact]
    public void ViewAt_RollsAWindowForward_ByTheLearnedLength_WhenTheReadingsNeverStateIt()
    {
        Read(date: Epoch, remaining: 5, reset: Epoch.AddSeconds(60));
        _engine.Advance(TimeSpan.FromSeconds(60));
        Read(date: Epoch.AddSeconds(60), remaining: 0, reset: Epoch.AddSeconds(120));

        var view = Pool.ViewAt(Epoch.AddSeconds(130));

        Assert.Null(Pool.WindowSeconds);
        Assert.Equal(60, Pool.EffectiveWindowSeconds);
        Assert.Equal(10, view.Remaining);
        Assert.Equal(Epoch.AddSeconds(180), view.ResetAt);
        Assert.Equal(60, view.WindowSeconds);
    }

    [Fact]
    public void OutsideRate_IsWhatTheReadingsShowSpent_BeyondWhatIntentsExplain()
    {
        Read(date: Epoch, remaining: 100, reset: Epoch.AddSeconds(3600), limit: 100);
        var intent = _engine.Submit("pat:a");
        _engine.Outcome(intent.IntentId);
        _engine.Advance(TimeSpan.FromSeconds(60));

        // The settled intent took the pool to 99; the other 60 of the drop are nobody's that Ratelord knows.
        Read(date: _engine.Now, remaining: 39, reset: Epoch.AddSeconds(3600), limit: 100);

        Assert.Equal(1.0, Pool.OutsideRate, 3);
    }

    [Fact]
    public void OutsideRate_StaysZero_WhenEveryDropIsAnIntentsCall()
    {
        Read(date: Epoch, remaining: 100, reset: Epoch.AddSeconds(3600), limit: 100);
        var intents = Enumerable.Range(0, 5).Select(_ => _engine.Submit("pat:a")).ToList();
        _engine.Advance(TimeSpan.FromSeconds(60));

        Read(date: _engine.Now, remaining: 95, reset: Epoch.AddSeconds(3600), limit: 100);

        Assert.All(intents, i => Assert.Equal(Verdict.Approve, i.Verdict));
        Assert.Equal(0, Pool.OutsideRate);
    }

    [Fact]
    public void ExpectedOutside_IsTheRateSinceTheLastReading_WithAMarginForItsRandomness()
    {
        Read(date: Epoch, remaining: 100, reset: Epoch.AddSeconds(3600), limit: 100);
        _engine.Submit("pat:a");
        _engine.Advance(TimeSpan.FromSeconds(60));
        Read(date: _engine.Now, remaining: 39, reset: Epoch.AddSeconds(3600), limit: 100);

        var expected = Pool.ExpectedOutside(_engine.Now, _engine.Now.AddSeconds(25));

        // One unit a second for 25 s: the count Poisson(25) exceeds once in ten thousand, and for half a second
        // that of Poisson(0.5). A rate is not forgotten at once, so a quieter minute after it holds as much.
        Assert.Equal(1.0, Pool.OutsideRate, 3);
        Assert.Equal(46, expected, 3);
        Assert.Equal(5, Pool.ExpectedOutside(_engine.Now, _engine.Now.AddSeconds(0.5)));
        _engine.Advance(TimeSpan.FromSeconds(60));
        Read(date: _engine.Now, remaining: 39, reset: Epoch.AddSeconds(3600), limit: 100);
        Assert.True(Pool.OutsideRate < 0.6, $"the measured rate fades in a quiet minute: {Pool.OutsideRate}");
        Assert.True(Pool.OutsideHoldRate > 0.8, $"the rate held for fades slowly: {Pool.OutsideHoldRate}");
    }

    /// <summary>Two readings a minute apart, each at its reset's whole second: the pool learns the length.</summary>
    private void LearnAMinuteWindow()
    {
        Read(date: Epoch, remaining: 9, reset: Epoch.AddSeconds(60));
        _engine.Advance(TimeSpan.FromSeconds(60));
        Read(date: Epoch.AddSeconds(60), remaining: 9, reset: Epoch.AddSeconds(120));
        Assert.Equal(60, Pool.LearnedWindowSeconds);
        Assert.Equal(Epoch.AddSeconds(120), Pool.ResetAt);
    }

    private void Read(DateTimeOffset date, double remaining, DateTimeOffset reset, double limit = 10)
    {
        var headers = ProviderBodies.GitHubHeaders(date, limit, remaining, reset);
        var response = new ProviderResponse(
            200,
            [.. headers.Select(h => new KeyValuePair<string, string>(h[0], h[1]))],
            null);
        _engine.Observe("github", "pat:a", response);
    }
}
