using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Ratelord.Sdk.RateLimiting;

/// <summary>
/// What the rate limiters share: one intent asked per acquisition, with the permits as its expected cost, and the
/// counts of leases handed out.
/// </summary>
internal sealed class LeaseIssuer(IRatelordClient client, ILogger? logger, TimeProvider time)
{
    private long _successful;
    private long _failed;
    private long _asking;
    private long _lastLeaseTimestamp = time.GetTimestamp();

    public TimeSpan? IdleDuration =>
        Interlocked.Read(ref _asking) > 0 ? null : time.GetElapsedTime(Interlocked.Read(ref _lastLeaseTimestamp));

    public RateLimiterStatistics Statistics => new()
    {
        CurrentAvailablePermits = 0,
        CurrentQueuedCount = Interlocked.Read(ref _asking),
        TotalSuccessfulLeases = Interlocked.Read(ref _successful),
        TotalFailedLeases = Interlocked.Read(ref _failed),
    };

    /// <summary>
    /// A synchronous attempt cannot ask Ratelord without blocking a thread on the network, so it never acquires;
    /// callers such as ASP.NET Core's middleware and Polly go on to <see cref="AcquireAsync"/>.
    /// </summary>
    public RatelordLease Refuse(Intent intent)
    {
        Interlocked.Increment(ref _failed);

        return new RatelordLease(
            client,
            intent,
            new Decision
            {
                IntentId = Guid.Empty,
                Verdict = Verdict.DenyWithReason,
                Reason = DecisionReasons.AcquireAsyncRequired,
                RetryAfter = TimeSpan.Zero,
                EvaluatedAt = time.GetUtcNow(),
            },
            logger);
    }

    /// <summary>
    /// Asks for <paramref name="permitCount"/> permits as the intent's expected cost and waits out any wait or
    /// deferral. Zero permits asks whether the pools have room: the lease it gives is released uncharged.
    /// </summary>
    public async ValueTask<RateLimitLease> AcquireAsync(
        Intent intent,
        int permitCount,
        CancellationToken cancellationToken)
    {
        var asked = intent with { ExpectedCost = permitCount };
        Interlocked.Increment(ref _asking);
        Decision decision;
        try
        {
            decision = await client.AskAsync(asked, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _asking);
        }

        Interlocked.Increment(ref decision.IsApproved ? ref _successful : ref _failed);
        Interlocked.Exchange(ref _lastLeaseTimestamp, time.GetTimestamp());

        return new RatelordLease(
            client,
            asked,
            decision,
            logger,
            permitCount == 0 ? OutcomeKind.Cancelled : OutcomeKind.Completed);
    }
}
