using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Ratelord.Sdk.RateLimiting;

/// <summary>
/// A <see cref="RateLimiter"/> whose permits are Ratelord decisions on one intent, so that ASP.NET Core's rate
/// limiting, Polly's rate limiter strategy and anything else built on <c>System.Threading.RateLimiting</c> can be
/// governed by Ratelord.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="RateLimiter.AcquireAsync"/> asks with the permit count as the intent's expected cost and waits out any
/// wait or deferral. A deny gives a lease that is not acquired, with <see cref="MetadataName.RetryAfter"/> and the
/// deny's reason in <see cref="MetadataName.ReasonPhrase"/>. An acquired lease is a <see cref="RatelordLease"/>:
/// disposing it reports the outcome (completed unless set), which settles the reservation.
/// </para>
/// <para>
/// <see cref="RateLimiter.AttemptAcquire"/> never acquires: it cannot ask without blocking on the network. Its lease
/// carries the reason <see cref="DecisionReasons.AcquireAsyncRequired"/>.
/// </para>
/// </remarks>
public sealed class RatelordRateLimiter : RateLimiter
{
    private readonly Intent _intent;
    private readonly LeaseIssuer _issuer;

    /// <summary>Creates a limiter that asks about <paramref name="intent"/> for every acquisition.</summary>
    /// <param name="client">The client of the daemon, or the embedded one.</param>
    /// <param name="intent">The intent of every acquisition; its expected cost is replaced by the permit count.</param>
    /// <param name="logger">Where a lease whose outcome cannot be reported is logged; null for the client's.</param>
    /// <param name="timeProvider">The clock of <see cref="IdleDuration"/>; null for the system clock.</param>
    public RatelordRateLimiter(
        IRatelordClient client,
        Intent intent,
        ILogger<RatelordRateLimiter>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(intent);
        _intent = intent;
        _issuer = new LeaseIssuer(
            client,
            logger ?? RatelordClientExtensions.LoggerOf(client),
            timeProvider ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => _issuer.IdleDuration;

    /// <summary>
    /// The leases handed out and refused, and the acquisitions waiting for an answer (as the queued count). Available
    /// permits are always 0: Ratelord, not this limiter, knows the pools.
    /// </summary>
    /// <returns>The statistics.</returns>
    public override RateLimiterStatistics? GetStatistics() => _issuer.Statistics;

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => _issuer.Refuse(_intent);

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(
        int permitCount,
        CancellationToken cancellationToken) =>
        _issuer.AcquireAsync(_intent, permitCount, cancellationToken);
}
