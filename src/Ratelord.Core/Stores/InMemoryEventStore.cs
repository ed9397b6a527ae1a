using System.Runtime.CompilerServices;
using Ratelord.Core.Events;

namespace Ratelord.Core.Stores;

/// <summary>The log in memory, for embedded use and tests. Passes the same contract as the durable stores.</summary>
public sealed class InMemoryEventStore : IEventStore
{
    private readonly List<EventEnvelope> _events = [];
    private readonly Lock _sync = new();

    public string Kind => "memory";

    public ValueTask<IReadOnlyList<EventEnvelope>> AppendAsync(
        IReadOnlyList<EventEnvelope> events,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var positioned = new EventEnvelope[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                positioned[i] = events[i] with { Position = _events.Count + i + 1 };
            }

            _events.AddRange(positioned);

            return ValueTask.FromResult<IReadOnlyList<EventEnvelope>>(positioned);
        }
    }

    public async IAsyncEnumerable<EventEnvelope> ReadAsync(
        long afterPosition = 0,
        int? limit = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        EventEnvelope[] page;
        lock (_sync)
        {
            var start = (int)Math.Clamp(afterPosition, 0, _events.Count);
            var count = Math.Min(limit ?? int.MaxValue, _events.Count - start);
            page = _events.GetRange(start, count).ToArray();
        }

        foreach (var envelope in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return envelope;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public ValueTask<long> LastPositionAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            return ValueTask.FromResult((long)_events.Count);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
