using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using LimitKey = (string Provider, string Identity, string Workload);

namespace Ratelord.Core.Projections;

/// <summary>
/// A limit no header states, learned from repeated unexplained throttling: at most
/// <see cref="MaxIntents"/> intents of the identity (of the workload, or of any workload) may start in
/// any <see cref="WindowSeconds"/>, until <see cref="ExpiresAt"/>.
/// </summary>
public sealed record LearnedLimit(
    string Provider,
    string IdentityId,
    string WorkloadId,
    int MaxIntents,
    double WindowSeconds,
    int Evidence,
    DateTimeOffset RecordedAt,
    DateTimeOffset ExpiresAt,
    string Reason)
{
    /// <summary>True when it holds for every workload of the identity rather than for one.</summary>
    public bool IsIdentityWide => WorkloadId == Sentinels.Unspecified;

    /// <summary>True when an intent of that identity and workload must respect it at <paramref name="at"/>.</summary>
    public bool AppliesTo(string identityId, string workloadId, DateTimeOffset at) =>
        ExpiresAt > at && IdentityId == identityId && (IsIdentityWide || WorkloadId == workloadId);
}

/// <summary>
/// Projection of learned limits: the unexplained throttles seen per provider, identity and workload,
/// the limits learned from them, and the starts of recent approvals that those limits count.
/// </summary>
/// <remarks>
/// Every time here is the daemon's (the events' ingest time, or an approval's planned start), so a
/// replay of the log rebuilds the same limits and the same counts.
/// </remarks>
public sealed class LearnedLimits
{
    /// <summary>Unexplained throttles within <see cref="EvidenceWindow"/> that make a limit: 2.</summary>
    public const int EvidenceThreshold = 2;

    /// <summary>The window a learned limit counts intents in: 60 s.</summary>
    public const double WindowSeconds = 60;

    /// <summary>Approvals kept per identity, newest first, for counting against learned limits.</summary>
    private const int MaxApprovalsKept = 4096;

    /// <summary>How far back unexplained throttles count as evidence together: 15 minutes.</summary>
    public static readonly TimeSpan EvidenceWindow = TimeSpan.FromMinutes(15);

    /// <summary>How long a learned limit holds after the last evidence for it: 30 minutes.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly Dictionary<LimitKey, List<DateTimeOffset>> _throttles = [];
    private readonly Dictionary<LimitKey, LearnedLimit> _limits = [];
    private readonly Dictionary<string, LinkedList<(DateTimeOffset Start, string Workload)>> _approvals =
        new(StringComparer.Ordinal);

    /// <summary>Every learned limit ever recorded, expired ones included.</summary>
    public IEnumerable<LearnedLimit> All => _limits.Values;

    /// <summary>The limits that still hold at <paramref name="now"/>, in a stable order.</summary>
    public IReadOnlyList<LearnedLimit> ActiveAt(DateTimeOffset now) =>
        [.. _limits.Values.Where(l => l.ExpiresAt > now)
            .OrderBy(l => l.IdentityId, StringComparer.Ordinal)
            .ThenBy(l => l.WorkloadId, StringComparer.Ordinal)
            .ThenBy(l => l.Provider, StringComparer.Ordinal)];

    /// <summary>The limit recorded for the key, if it still holds at <paramref name="now"/>.</summary>
    public LearnedLimit? Find(string provider, string identityId, string workloadId, DateTimeOffset now) =>
        _limits.TryGetValue((provider, identityId, workloadId), out var limit) && limit.ExpiresAt > now ? limit : null;

    /// <summary>Unexplained throttles of the key recorded at or after <paramref name="since"/>.</summary>
    public int UnexplainedSince(string provider, string identityId, string workloadId, DateTimeOffset since) =>
        _throttles.TryGetValue((provider, identityId, workloadId), out var times) ? times.Count(t => t >= since) : 0;

    /// <summary>
    /// Approvals of the identity (of the workload, or of any when it is <see cref="Sentinels.Unspecified"/>)
    /// planned to start after <paramref name="from"/> and at or before <paramref name="to"/>.
    /// </summary>
    public int ApprovalsBetween(string identityId, string workloadId, DateTimeOffset from, DateTimeOffset to) =>
        Starts(identityId, workloadId, from).Count(start => start <= to);

    /// <summary>
    /// The earliest instant at or after <paramref name="notBefore"/> when an intent of the identity and
    /// workload may start under every learned limit that holds for it, and the limit that set it
    /// (null when none delayed it).
    /// </summary>
    /// <remarks>
    /// A limit of K per window W is full at t when K approvals start in (t - W, t]; the intent then
    /// waits until the oldest of the last K leaves the window. Limits are checked until none moves
    /// the start, and each check only moves it later.
    /// </remarks>
    public (DateTimeOffset Start, LearnedLimit? Limit) EarliestStart(
        string identityId,
        string workloadId,
        DateTimeOffset notBefore)
    {
        var limits = _limits.Values.Where(l => l.AppliesTo(identityId, workloadId, notBefore)).ToList();
        var start = notBefore;
        LearnedLimit? binding = null;
        for (var round = 0; round <= limits.Count; round++)
        {
            var moved = false;
            foreach (var limit in limits)
            {
                var window = TimeSpan.FromSeconds(limit.WindowSeconds);
                var starts = Starts(identityId, limit.WorkloadId, start - window).Order().ToList();
                if (starts.Count < limit.MaxIntents)
                {
                    continue;
                }

                var free = starts[starts.Count - limit.MaxIntents] + window;
                if (free > start)
                {
                    start = free;
                    binding = limit;
                    moved = true;
                }
            }

            if (!moved)
            {
                break;
            }
        }

        return (start, binding);
    }

    internal void Apply(EventEnvelope envelope)
    {
        switch (envelope.Payload)
        {
            case IntentDecided { Verdict: not Verdict.DenyWithReason } decided:
                // An approval that switched identity draws on the other identity's pools, so it counts there.
                var identity = decided.IdentitySwitch ?? envelope.Dimensions.IdentityId;
                Approved(identity, envelope.Dimensions.WorkloadId, StartOf(decided, envelope.IngestTime));
                break;
            case ThrottleUnexplained throttle:
                var key = (throttle.Provider, throttle.IdentityId, throttle.WorkloadId);
                if (!_throttles.TryGetValue(key, out var times))
                {
                    times = [];
                    _throttles.Add(key, times);
                }

                // Evidence older than the window can never count again.
                times.RemoveAll(t => t < envelope.IngestTime - EvidenceWindow);
                times.Add(envelope.IngestTime);
                break;
            case LearnedLimitRecorded learned:
                _limits[(learned.Provider, learned.IdentityId, learned.WorkloadId)] = new LearnedLimit(
                    learned.Provider,
                    learned.IdentityId,
                    learned.WorkloadId,
                    learned.MaxIntents,
                    learned.WindowSeconds,
                    learned.Evidence,
                    envelope.IngestTime,
                    learned.ExpiresAt,
                    learned.Reason);
                break;
        }
    }

    private static DateTimeOffset StartOf(IntentDecided decided, DateTimeOffset decidedAt) =>
        decided.Reservations.Count > 0
            ? decided.Reservations.Min(r => r.EffectiveFrom)
            : decided.DeferUntil ?? decidedAt.AddSeconds(decided.WaitSeconds ?? 0);

    private void Approved(string identityId, string workloadId, DateTimeOffset start)
    {
        if (!_approvals.TryGetValue(identityId, out var starts))
        {
            starts = new LinkedList<(DateTimeOffset, string)>();
            _approvals.Add(identityId, starts);
        }

        starts.AddFirst((start, workloadId));
        if (starts.Count > MaxApprovalsKept)
        {
            starts.RemoveLast();
        }
    }

    private IEnumerable<DateTimeOffset> Starts(string identityId, string workloadId, DateTimeOffset after)
    {
        if (!_approvals.TryGetValue(identityId, out var starts))
        {
            yield break;
        }

        var anyWorkload = workloadId == Sentinels.Unspecified;
        foreach (var (start, workload) in starts)
        {
            if (start > after && (anyWorkload || workload == workloadId))
            {
                yield return start;
            }
        }
    }
}
