using System.Globalization;
using Ratelord.Core.Domain;
using Ratelord.Core.Events;

namespace Ratelord.Core.Projections;

/// <summary>How a polled provider instance stands.</summary>
public enum ProviderHealthStatus
{
    /// <summary>Configured, not polled yet.</summary>
    Pending,

    /// <summary>The last poll succeeded and its reading is fresh.</summary>
    Ok,

    /// <summary>The last poll failed, but a reading younger than the stale age is still at hand.</summary>
    Degraded,

    /// <summary>No reading for longer than the stale age: pools keep their last known state.</summary>
    Stale,

    /// <summary>No reading for longer than the unknown age: the pools' status is unknown.</summary>
    Unknown,
}

/// <summary>A provider instance's health at one instant, and why, in words, when it is not ok.</summary>
public readonly record struct ProviderHealth(ProviderHealthStatus Status, string? Reason);

/// <summary>
/// How fresh a polled pool's last reading is against its poller's configured ages. A pool that no
/// poller feeds has no such ages and no freshness.
/// </summary>
/// <param name="ProviderId">The poller whose ages apply.</param>
/// <param name="Stale">True once the reading is older than the stale age.</param>
/// <param name="Unknown">True once it is older than the unknown age: the pool's status is then unknown.</param>
/// <param name="Reason">Why, in words, when stale or unknown.</param>
public readonly record struct PoolFreshness(string ProviderId, bool Stale, bool Unknown, string? Reason);

/// <summary>One polled provider instance: its configuration and what its polls have met.</summary>
/// <remarks>Times are on the daemon's clock (the ingest time of the events), as pools' times are.</remarks>
public sealed class ProviderRecord
{
    private readonly SortedSet<PoolKey> _pools = [];

    internal ProviderRecord(ProviderConfigured configuration, DateTimeOffset configuredAt)
    {
        Configuration = configuration;
        ConfiguredAt = configuredAt;
    }

    /// <summary>The instance's configuration as last recorded.</summary>
    public ProviderConfigured Configuration { get; private set; }

    /// <summary>The instance's id.</summary>
    public string ProviderId => Configuration.ProviderId;

    /// <summary>When the daemon last started polling it.</summary>
    public DateTimeOffset ConfiguredAt { get; private set; }

    /// <summary>True when the running daemon polls it; false for instances of an earlier configuration.</summary>
    public bool Active { get; private set; }

    /// <summary>When it was last polled, whatever came of it.</summary>
    public DateTimeOffset? LastPollAt { get; private set; }

    /// <summary>When a poll last succeeded.</summary>
    public DateTimeOffset? LastSuccessAt { get; private set; }

    /// <summary>
    /// When a poll last brought a reading of its pools: a success, or a throttled answer that still
    /// described them.
    /// </summary>
    public DateTimeOffset? LastReadingAt { get; private set; }

    /// <summary>When a poll last failed.</summary>
    public DateTimeOffset? LastErrorAt { get; private set; }

    /// <summary>The last failure.</summary>
    public ProviderError? LastError { get; private set; }

    /// <summary>Failed polls since the last success.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>When the next poll is due.</summary>
    public DateTimeOffset? NextPollAt { get; private set; }

    /// <summary>Polls made, failed ones included.</summary>
    public long Polls { get; private set; }

    /// <summary>Polls that failed.</summary>
    public long Errors { get; private set; }

    /// <summary>The pools its polls have described.</summary>
    public IReadOnlyCollection<PoolKey> Pools => _pools;

    /// <summary>The instance's health at <paramref name="now"/>.</summary>
    public ProviderHealth HealthAt(DateTimeOffset now)
    {
        if (LastPollAt is null)
        {
            return new ProviderHealth(ProviderHealthStatus.Pending, "not polled yet");
        }

        // An instance that never brought a reading counts its age from when polling began.
        var since = LastReadingAt ?? ConfiguredAt;
        var age = Math.Max(0, (now - since).TotalSeconds);
        var what = LastReadingAt is null ? "no reading yet" : $"last reading {Seconds(age)}s ago";
        if (age > Configuration.UnknownAfterSeconds)
        {
            return new ProviderHealth(
                ProviderHealthStatus.Unknown,
                $"{what}, past unknown_after ({Seconds(Configuration.UnknownAfterSeconds)}s){Failures()}");
        }

        if (age > Configuration.StaleAfterSeconds)
        {
            return new ProviderHealth(
                ProviderHealthStatus.Stale,
                $"{what}, past stale_after ({Seconds(Configuration.StaleAfterSeconds)}s){Failures()}");
        }

        return ConsecutiveFailures > 0
            ? new ProviderHealth(ProviderHealthStatus.Degraded, $"{what}{Failures()}")
            : new ProviderHealth(ProviderHealthStatus.Ok, null);
    }

    /// <summary>Why recent polls failed, as the tail of a reason; empty when the last one succeeded.</summary>
    internal string Failures() =>
        LastError is { } error && ConsecutiveFailures > 0
            ? $"; {ConsecutiveFailures} failed poll(s) in a row, last: {error.Kind}: {error.Message}"
            : string.Empty;

    internal static string Seconds(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    internal void Configure(ProviderConfigured configuration, DateTimeOffset at)
    {
        Configuration = configuration;
        ConfiguredAt = at;
        Active = true;
        NextPollAt = null;
    }

    internal void Deactivate()
    {
        Active = false;
        NextPollAt = null;
    }

    internal void Succeeded(ProviderPollObserved poll, DateTimeOffset at)
    {
        Polls++;
        LastPollAt = at;
        LastSuccessAt = at;
        LastReadingAt = at;
        ConsecutiveFailures = 0;
        NextPollAt = poll.NextPollAt;
        _pools.UnionWith(poll.Pools);
    }

    internal void Failed(ProviderError error, DateTimeOffset at)
    {
        Polls++;
        Errors++;
        LastPollAt = at;
        LastErrorAt = at;
        LastError = error;
        ConsecutiveFailures = error.ConsecutiveFailures;
        NextPollAt = error.NextPollAt;
        if (error.Pools.Count > 0)
        {
            LastReadingAt = at;
            _pools.UnionWith(error.Pools);
        }
    }
}

/// <summary>
/// Projection of the provider instances the daemon polls: their configuration, last success, last
/// error and why, and which pools each one feeds, so a pool's freshness can be judged by its
/// poller's configured ages.
/// </summary>
public sealed class ProviderDirectory
{
    private readonly SortedDictionary<string, ProviderRecord> _providers = new(StringComparer.Ordinal);
    private readonly Dictionary<PoolKey, string> _pollerOf = [];

    /// <summary>Every instance ever configured, the inactive ones of earlier configurations included.</summary>
    public IEnumerable<ProviderRecord> All => _providers.Values;

    /// <summary>The instances the running daemon polls.</summary>
    public IEnumerable<ProviderRecord> Active => _providers.Values.Where(p => p.Active);

    /// <summary>The instance of that id, active or not.</summary>
    public ProviderRecord? Find(string providerId) => _providers.GetValueOrDefault(providerId);

    /// <summary>The active instance whose polls last described the pool, if any.</summary>
    public ProviderRecord? PollerOf(PoolKey pool) =>
        _pollerOf.TryGetValue(pool, out var id) && Find(id) is { Active: true } record ? record : null;

    /// <summary>
    /// How fresh the pool's last reading is at <paramref name="now"/> against its poller's ages; null
    /// for a pool that no active poller feeds.
    /// </summary>
    public PoolFreshness? FreshnessOf(PoolState pool, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (PollerOf(pool.Key) is not { } poller || pool.LastObservedAt is not { } observed)
        {
            return null;
        }

        var age = Math.Max(0, (now - observed).TotalSeconds);
        var configuration = poller.Configuration;
        var stale = age > configuration.StaleAfterSeconds;
        var unknown = age > configuration.UnknownAfterSeconds;
        if (!stale)
        {
            return new PoolFreshness(poller.ProviderId, false, false, null);
        }

        var (word, limit, setting) = unknown
            ? ("unknown", configuration.UnknownAfterSeconds, "unknown_after")
            : ("stale", configuration.StaleAfterSeconds, "stale_after");
        var reason = $"{word}: last reading {ProviderRecord.Seconds(age)}s ago, past {setting} "
            + $"({ProviderRecord.Seconds(limit)}s) of provider {poller.ProviderId}{poller.Failures()}";

        return new PoolFreshness(poller.ProviderId, stale, unknown, reason);
    }

    internal void Apply(EventEnvelope envelope)
    {
        switch (envelope.Payload)
        {
            case SystemStarted:
                // A new run polls what its own configuration names; the earlier instances stay on record.
                foreach (var provider in _providers.Values)
                {
                    provider.Deactivate();
                }

                break;
            case ProviderConfigured configured:
                if (_providers.TryGetValue(configured.ProviderId, out var known))
                {
                    known.Configure(configured, envelope.IngestTime);
                }
                else
                {
                    var record = new ProviderRecord(configured, envelope.IngestTime);
                    record.Configure(configured, envelope.IngestTime);
                    _providers.Add(configured.ProviderId, record);
                }

                break;
            case ProviderPollObserved poll when _providers.TryGetValue(poll.ProviderId, out var polled):
                polled.Succeeded(poll, envelope.IngestTime);
                Feed(poll.ProviderId, poll.Pools);
                break;
            case ProviderError error when _providers.TryGetValue(error.ProviderId, out var failed):
                failed.Failed(error, envelope.IngestTime);
                Feed(error.ProviderId, error.Pools);
                break;
        }
    }

    private void Feed(string providerId, IReadOnlyList<PoolKey> pools)
    {
        foreach (var pool in pools)
        {
            _pollerOf[pool] = providerId;
        }
    }
}
