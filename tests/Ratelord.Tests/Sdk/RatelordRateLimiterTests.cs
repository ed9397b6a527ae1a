using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.RateLimiting;
using Ratelord.Sdk;
using Ratelord.Sdk.Embedded;
using Ratelord.Sdk.RateLimiting;
using Outcome = Ratelord.Sdk.Outcome;

namespace Ratelord.Tests.Sdk;

/// <summary>
/// The <c>System.Threading.RateLimiting</c> adapters over the embedded engine on a fixed clock: a lease is a
/// decision, a refused lease carries the retry time and the reason, and disposing a lease reports its outcome.
/// </summary>
public sealed class RatelordRateLimiterTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);

    private readonly EmbeddedRatelordClient _ratelord;

    public RatelordRateLimiterTests() =>
        _ratelord = new EmbeddedRatelordClient(new RatelordEmbeddedOptions { TimeProvider = _clock });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _ratelord.DisposeAsync();

    [Fact]
    public async Task AcquireAsync_Approved_IsAcquired_AndDisposingItReportsTheOutcome()
    {
        using var limiter = await LimiterAsync("pat:limiter");

        var probe = Assert.IsType<RatelordLease>(await limiter.AcquireAsync(1, Ct));
        Assert.True(probe.IsAcquired);
        Assert.Empty(probe.MetadataNames);
        probe.SetOutcome(GitHub(remaining: 4000));
        await probe.DisposeAsync();

        // A pool that has lost a fifth of its limit with an hour to go is paced under the pessimistic cold-start
        // prior: the lease comes once the fake clock has passed the short wait the engine asked for.
        var acquiring = limiter.AcquireAsync(1, Ct).AsTask();
        await Infrastructure.Poll.UntilAsync(
            () =>
            {
                if (!acquiring.IsCompleted)
                {
                    _clock.Advance(TimeSpan.FromMilliseconds(100));
                }

                return acquiring.IsCompleted;
            },
            "the next lease is granted");
        using var next = await acquiring;

        Assert.True(next.IsAcquired, "once the probe's outcome is reported the pool is known and has room");
        Assert.True(_clock.GetUtcNow() - Now < TimeSpan.FromSeconds(5), "the wait was pacing, not the reset");
        Assert.Equal(2, limiter.GetStatistics()!.TotalSuccessfulLeases);
    }

    [Fact]
    public async Task AcquireAsync_Denied_IsNotAcquired_AndCarriesRetryAfterAndTheReason()
    {
        using var limiter = await LimiterAsync("pat:limiter");
        using var probe = await limiter.AcquireAsync(1, Ct);

        using var refused = await limiter.AcquireAsync(1, Ct);

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.True(retryAfter > TimeSpan.Zero);
        Assert.True(refused.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal(DecisionReasons.PoolUnobserved, reason);
        var statistics = limiter.GetStatistics()!;
        Assert.Equal((1, 1), (statistics.TotalSuccessfulLeases, statistics.TotalFailedLeases));
    }

    [Fact]
    public async Task AttemptAcquire_NeverAcquires_AndSaysToAcquireAsynchronously()
    {
        using var limiter = await LimiterAsync("pat:limiter");

        using var attempt = limiter.AttemptAcquire(1);

        Assert.False(attempt.IsAcquired);
        Assert.True(attempt.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal(DecisionReasons.AcquireAsyncRequired, reason);
    }

    [Fact]
    public async Task PartitionedLimiter_AsksWithTheIntentOfEachResource()
    {
        await _ratelord.RegisterIdentityAsync(new IdentityRegistration("pat:a", "pat", "github"), Ct);
        await _ratelord.RegisterIdentityAsync(new IdentityRegistration("pat:b", "pat", "github"), Ct);
        using var limiter = new RatelordPartitionedRateLimiter<string>(
            _ratelord, identity => new Intent("partitioned", identity, "repo_read", "global"));

        using var a = await limiter.AcquireAsync("pat:a", 1, Ct);
        using var b = await limiter.AcquireAsync("pat:b", 1, Ct);
        using var a2 = await limiter.AcquireAsync("pat:a", 1, Ct);

        Assert.True(a.IsAcquired, "the first of pat:a probes its pool");
        Assert.True(b.IsAcquired, "pat:b has a pool of its own to probe");
        Assert.False(a2.IsAcquired, "pat:a's probe is still out");
        Assert.Equal("pat:b", ((RatelordLease)b).IdentityId);
    }

    [Fact]
    public async Task PollyRateLimiterStrategy_RejectsWithTheRetryTime_WhenRatelordDenies()
    {
        using var limiter = await LimiterAsync("pat:polly");
        var pipeline = new ResiliencePipelineBuilder()
            .AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = arguments => limiter.AcquireAsync(1, arguments.Context.CancellationToken),
            })
            .Build();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first call holds the probe until released; the second is asked while it is out.
        var first = pipeline.ExecuteAsync(async _ => await release.Task, Ct).AsTask();
        await Infrastructure.Poll.UntilAsync(
            () => limiter.GetStatistics()!.TotalSuccessfulLeases == 1, "the first call holds its lease");
        var rejected = await Assert.ThrowsAsync<RateLimiterRejectedException>(
            () => pipeline.ExecuteAsync(_ => ValueTask.CompletedTask, Ct).AsTask());
        release.SetResult();
        await first;

        Assert.NotNull(rejected.RetryAfter);
        Assert.True(rejected.RetryAfter > TimeSpan.Zero);
    }

    private async Task<RatelordRateLimiter> LimiterAsync(string identity)
    {
        await _ratelord.RegisterIdentityAsync(new IdentityRegistration(identity, "pat", "github"), Ct);

        return new RatelordRateLimiter(_ratelord, new Intent("limiter-test", identity, "repo_read", "global"));
    }

    private static Outcome GitHub(int remaining) => Outcome.FromStatus(
        200,
        [
            new("date", Now.ToString("R", CultureInfo.InvariantCulture)),
            new("x-ratelimit-limit", "5000"),
            new("x-ratelimit-remaining", remaining.ToString(CultureInfo.InvariantCulture)),
            new("x-ratelimit-reset", Now.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("x-ratelimit-resource", "core"),
        ]);
}
