using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;
using Ratelord.Core.Stores;

namespace Ratelord.Host.Dashboard;

/// <summary>
/// Projections that operators read and the deciders never need: each pool's remaining capacity over time, the
/// constraint graph (who draws from what), and the recent decisions. Like every projection they are built from the
/// log alone: a copy of the state of their own is replayed from the store and caught up at each read, so a page
/// full of charts never holds the writer, and a restart rebuilds them exactly.
/// </summary>
public sealed class LogViews
{
    /// <summary>The most points of history kept per pool.</summary>
    public const int MaxPointsPerPool = 720;

    /// <summary>The most recent decisions kept, overall and per pool.</summary>
    public const int MaxDecisions = 1000;

    private const int MaxDecisionsPerPool = 200;

    private readonly IEventStore _store;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly RatelordState _state = new();
    private readonly Dictionary<PoolKey, Queue<PoolPoint>> _history = [];
    private readonly Dictionary<PoolKey, Queue<DecisionRow>> _decisionsByPool = [];
    private readonly Queue<DecisionRow> _decisions = new();
    private readonly Dictionary<(string From, string To), GraphEdgeCount> _edges = [];

    public LogViews(IEventStore store)
    {
        _store = store;
    }

    /// <summary>Catches up with the log, then runs <paramref name="read"/> on the views.</summary>
    public async Task<T> ReadAsync<T>(Func<LogViewsSnapshot, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await foreach (var envelope in _store.ReadAsync(_state.Position, null, cancellationToken))
            {
                Apply(envelope);
            }

            return read(new LogViewsSnapshot(this));
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Apply(EventEnvelope envelope)
    {
        _state.Apply(envelope);
        var at = envelope.IngestTime;
        switch (envelope.Payload)
        {
            case ProviderObserved observed:
                foreach (var reading in observed.Pools)
                {
                    var key = new PoolKey(observed.Provider, reading.Pool, reading.Owner);
                    Sample(key, at);
                    Count(Node.Identity(observed.IdentityId), Node.Pool(key), at);
                }

                break;
            case IdentityRegistered registered:
                foreach (var shared in registered.SharedPools)
                {
                    var key = new PoolKey(registered.Provider, shared.Pool, shared.SharedKey);
                    Count(Node.Identity(registered.IdentityId), Node.Pool(key), at, weight: 0);
                }

                break;
            case IntentDecided decided:
                ApplyDecision(decided, envelope);
                break;
            case IntentSettled settled:
                var reserved = _state.Intents.Find(settled.IntentId)?.Decision?.Reservations.Select(r => r.Pool) ?? [];
                foreach (var key in reserved.Concat(settled.Charges.Select(c => c.Pool)).Distinct())
                {
                    Sample(key, at);
                }

                break;
        }
    }

    private void ApplyDecision(IntentDecided decided, EventEnvelope envelope)
    {
        var at = envelope.IngestTime;
        var record = _state.Intents.Find(decided.IntentId);
        var dimensions = record?.Dimensions ?? envelope.Dimensions;
        var pools = decided.Reservations.Select(r => r.Pool).Distinct().ToList();
        var row = new DecisionRow(
            envelope.Position,
            at,
            decided.IntentId,
            dimensions.AgentId,
            dimensions.IdentityId,
            dimensions.WorkloadId,
            dimensions.ScopeId,
            WireNames.Of(decided.Verdict),
            decided.Reason,
            decided.WaitSeconds,
            decided.RetryAfterSeconds,
            decided.TightestPool,
            [.. pools.Select(p => p.ToString())]);
        Keep(_decisions, row, MaxDecisions);

        Count(Node.Scope(dimensions.ScopeId), Node.Agent(dimensions.AgentId), at);
        Count(Node.Agent(dimensions.AgentId), Node.Identity(dimensions.IdentityId), at);
        foreach (var key in pools)
        {
            Sample(key, at);
            Count(Node.Identity(dimensions.IdentityId), Node.Pool(key), at);
            if (!_decisionsByPool.TryGetValue(key, out var list))
            {
                _decisionsByPool[key] = list = new Queue<DecisionRow>();
            }

            Keep(list, row, MaxDecisionsPerPool);
        }

        // A denial holds nothing, but its tightest pool is the one that refused: it belongs to that pool's story.
        if (pools.Count == 0 && decided.TightestPool is { } tightest)
        {
            var key = _state.Pools.All.FirstOrDefault(p => p.Key.ToString() == tightest)?.Key;
            if (key is not null)
            {
                if (!_decisionsByPool.TryGetValue(key, out var list))
                {
                    _decisionsByPool[key] = list = new Queue<DecisionRow>();
                }

                Keep(list, row, MaxDecisionsPerPool);
            }
        }
    }

    private void Sample(PoolKey key, DateTimeOffset at)
    {
        if (_state.Pools.Find(key) is not { } pool)
        {
            return;
        }

        if (!_history.TryGetValue(key, out var points))
        {
            _history[key] = points = new Queue<PoolPoint>();
        }

        var view = pool.ViewAt(at);

        // A fixed window that reset between two samples refilled at its reset, not at the next sample.
        if (points.Count > 0 && points.Last() is { ResetAt: { } reset } last && reset > last.At && reset <= at)
        {
            Keep(points, new PoolPoint(reset, last.Limit, last.Limit, last.Reserved, view.ResetAt), MaxPointsPerPool);
        }

        Keep(points, new PoolPoint(at, view.Limit, view.Remaining, pool.Reserved, view.ResetAt), MaxPointsPerPool);
    }

    private void Count(string from, string to, DateTimeOffset at, int weight = 1)
    {
        var edge = _edges.GetValueOrDefault((from, to));
        _edges[(from, to)] = new GraphEdgeCount(edge.Count + weight, at);
    }

    private static void Keep<T>(Queue<T> queue, T item, int max)
    {
        queue.Enqueue(item);
        while (queue.Count > max)
        {
            queue.Dequeue();
        }
    }

    /// <summary>What the views hold, read under their lock.</summary>
    public sealed class LogViewsSnapshot
    {
        private readonly LogViews _views;

        internal LogViewsSnapshot(LogViews views)
        {
            _views = views;
        }

        /// <summary>The position of the last event the views have applied.</summary>
        public long Position => _views._state.Position;

        /// <summary>The replayed state the views were built with.</summary>
        public RatelordState State => _views._state;

        /// <summary>The pool's history, oldest first; empty for a pool never seen.</summary>
        public IReadOnlyList<PoolPoint> HistoryOf(PoolKey key) =>
            _views._history.TryGetValue(key, out var points) ? [.. points] : [];

        /// <summary>The recent decisions that drew on (or were refused by) the pool, newest first.</summary>
        public IReadOnlyList<DecisionRow> DecisionsOn(PoolKey key) =>
            _views._decisionsByPool.TryGetValue(key, out var rows) ? [.. rows.Reverse()] : [];

        /// <summary>The recent decisions, newest first.</summary>
        public IEnumerable<DecisionRow> Decisions => _views._decisions.Reverse();

        /// <summary>Every edge of the constraint graph with how many intents went along it.</summary>
        public IEnumerable<KeyValuePair<(string From, string To), GraphEdgeCount>> Edges => _views._edges;
    }
}

/// <summary>A pool at one instant: what it could hold, had left, and held for approved intents.</summary>
public sealed record PoolPoint(
    DateTimeOffset At,
    double? Limit,
    double? Remaining,
    double Reserved,
    DateTimeOffset? ResetAt);

/// <summary>One decision as the lists show it.</summary>
public sealed record DecisionRow(
    long Position,
    DateTimeOffset At,
    Guid IntentId,
    string AgentId,
    string IdentityId,
    string WorkloadId,
    string ScopeId,
    string Verdict,
    string? Reason,
    double? WaitSeconds,
    double? RetryAfterS,
    string? TightestPool,
    IReadOnlyList<string> Pools);

/// <summary>How many intents went along an edge of the graph, and when the last did.</summary>
public readonly record struct GraphEdgeCount(long Count, DateTimeOffset LastAt);

/// <summary>Node ids of the constraint graph: the kind, a colon, the name.</summary>
public static class Node
{
    public static string Scope(string id) => "scope:" + id;

    public static string Agent(string id) => "agent:" + id;

    public static string Identity(string id) => "identity:" + id;

    public static string Pool(PoolKey key) => "pool:" + key;

    public static string Provider(string id) => "provider:" + id;
}
