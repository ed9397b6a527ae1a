using Ratelord.Core.Domain;
using Ratelord.Core.Events;

namespace Ratelord.Core.Projections;

/// <summary>One intent's story: what was asked, what was decided, how it ended.</summary>
public sealed class IntentRecord
{
    public required Guid IntentId { get; init; }

    public required EventDimensions Dimensions { get; init; }

    public required IntentSubmitted Submitted { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    public IntentDecided? Decision { get; internal set; }

    public DateTimeOffset? DecidedAt { get; internal set; }

    public IntentSettled? Settlement { get; internal set; }

    public DateTimeOffset? SettledAt { get; internal set; }

    /// <summary>True while an approval holds capacity: approved and neither settled nor expired.</summary>
    public bool HoldsReservation =>
        Decision is { Verdict: not Verdict.DenyWithReason } && Settlement is null;
}

/// <summary>Projection of every intent, with the approvals that still hold capacity ordered by expiry.</summary>
public sealed class IntentHistory
{
    private readonly Dictionary<Guid, IntentRecord> _intents = [];
    private readonly PriorityQueue<Guid, DateTimeOffset> _expiries = new();

    public int Count => _intents.Count;

    public IEnumerable<IntentRecord> All => _intents.Values;

    public IntentRecord? Find(Guid intentId) => _intents.GetValueOrDefault(intentId);

    /// <summary>Approvals whose validity ended at or before <paramref name="now"/> and that still hold capacity.</summary>
    public IReadOnlyList<IntentRecord> LapsedAt(DateTimeOffset now)
    {
        List<IntentRecord>? lapsed = null;
        foreach (var (intentId, validUntil) in _expiries.UnorderedItems)
        {
            if (validUntil <= now && _intents.TryGetValue(intentId, out var record) && record.HoldsReservation)
            {
                (lapsed ??= []).Add(record);
            }
        }

        return lapsed is null ? [] : [.. lapsed.OrderBy(r => r.Decision!.ValidUntil).ThenBy(r => r.IntentId)];
    }

    /// <summary>The earliest expiry among approvals still holding capacity, for the sweep timer.</summary>
    public DateTimeOffset? NextExpiry()
    {
        while (_expiries.TryPeek(out var intentId, out var validUntil))
        {
            if (_intents.TryGetValue(intentId, out var record) && record.HoldsReservation)
            {
                return validUntil;
            }

            _expiries.Dequeue();
        }

        return null;
    }

    internal void Apply(EventEnvelope envelope)
    {
        switch (envelope.Payload)
        {
            case IntentSubmitted submitted:
                _intents[submitted.IntentId] = new IntentRecord
                {
                    IntentId = submitted.IntentId,
                    Dimensions = envelope.Dimensions,
                    Submitted = submitted,
                    SubmittedAt = envelope.EventTime,
                };
                break;
            case IntentDecided decided when _intents.TryGetValue(decided.IntentId, out var record):
                record.Decision = decided;
                record.DecidedAt = envelope.EventTime;
                if (decided.ValidUntil is { } validUntil && decided.Verdict != Verdict.DenyWithReason)
                {
                    _expiries.Enqueue(decided.IntentId, validUntil);
                }

                break;
            case IntentSettled settled when _intents.TryGetValue(settled.IntentId, out var record):
                record.Settlement = settled;
                record.SettledAt = envelope.EventTime;
                break;
        }
    }
}
