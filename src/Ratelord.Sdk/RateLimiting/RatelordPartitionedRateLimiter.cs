using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Ratelord.Sdk.RateLimiting;

/// <summary>
/// A <see cref="PartitionedRateLimiter{TResource}"/> whose permits are Ratelord decisions, with the intent of each
/// acquisition built from its resource: for example, in ASP.NET Core, an intent per <c>HttpContext</c> whose agent
/// is the caller and whose workload is the endpoint.
/// </summary>
/// <remarks>
/// Acquisition, denial and the leases behave as in <see cref="RatelordRateLimiter"/>; the partitions are Ratelord's
/// own pools, so the statistics are the same for every resource.
/// </remarks>
/// <typeparam name="TResource">What an acquisition is for.</typeparam>
public sealed class RatelordPartitionedRateLimiter<TResource> : PartitionedRateLimiter<TResource>
{
    private readonly Func<TResource, Intent> _intentOf;
    private readonly LeaseIssuer _issuer;

    /// <summary>Creates a limiter that asks about the intent of each resource.</summary>
    /// <param name="client">The client of the daemon, or the embedded one.</param>
    /// <param name="intentOf">
    /// Builds the intent of an acquisition from its resource; the expected cost is replaced by the permit count.
    /// </param>
    /// <param name="logger">Where a lease whose outcome cannot be reported is logged; null for the client's.</param>
    /// <param name="timeProvider">The clock of idle times; null for the system clock.</param>
    public RatelordPartitionedRateLimiter(
        IRatelordClient client,
        Func<TResource, Intent> intentOf,
        ILogger<RatelordPartitionedRateLimiter<TResource>>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(intentOf);
        _intentOf = intentOf;
        _issuer = new LeaseIssuer(
            client,
            logger ?? RatelordClientExtensions.LoggerOf(client),
            timeProvider ?? TimeProvider.System);
    }

    /// <summary>The leases handed out and refused over every resource; see <see cref="RatelordRateLimiter"/>.</summary>
    /// <param name="resource">Any resource: the counts are shared.</param>
    /// <returns>The statistics.</returns>
    public override RateLimiterStatistics? GetStatistics(TResource resource) => _issuer.Statistics;

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(TResource resource, int permitCount) =>
        _issuer.Refuse(_intentOf(resource));

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(
        TResource resource,
        int permitCount,
        CancellationToken cancellationToken) =>
        _issuer.AcquireAsync(_intentOf(resource), permitCount, cancellationToken);
}
