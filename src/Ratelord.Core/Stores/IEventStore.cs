using Ratelord.Core.Events;

namespace Ratelord.Core.Stores;

/// <summary>
/// The append-only log. Positions are global, start at 1 and have no gaps; an appended batch is
/// committed whole or not at all, and nothing appended is ever changed or removed.
/// </summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>A short name of the store, recorded when the daemon starts (<c>sqlite</c>, <c>memory</c>).</summary>
    string Kind { get; }

    /// <summary>
    /// Appends a batch in one transaction and returns the events with their positions. The events'
    /// own positions are ignored.
    /// </summary>
    ValueTask<IReadOnlyList<EventEnvelope>> AppendAsync(
        IReadOnlyList<EventEnvelope> events,
        CancellationToken cancellationToken = default);

    /// <summary>Events after <paramref name="afterPosition"/> in log order, at most <paramref name="limit"/>.</summary>
    IAsyncEnumerable<EventEnvelope> ReadAsync(
        long afterPosition = 0,
        int? limit = null,
        CancellationToken cancellationToken = default);

    /// <summary>The position of the last committed event; 0 for an empty log.</summary>
    ValueTask<long> LastPositionAsync(CancellationToken cancellationToken = default);
}
