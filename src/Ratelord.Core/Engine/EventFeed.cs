using Ratelord.Core.Events;

namespace Ratelord.Core.Engine;

/// <summary>
/// Tells followers of the log that new events were committed, so a live stream wakes at once
/// instead of polling. Followers read the events themselves from the store.
/// </summary>
public sealed class EventFeed
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastPosition;

    /// <summary>Raised after each committed batch, on the writer's thread; handlers must be quick.</summary>
    public event Action<IReadOnlyList<EventEnvelope>>? Committed;

    public long LastPosition => Interlocked.Read(ref _lastPosition);

    /// <summary>Completes once the log holds an event after <paramref name="afterPosition"/>.</summary>
    public async Task WaitBeyondAsync(long afterPosition, CancellationToken cancellationToken)
    {
        while (LastPosition <= afterPosition)
        {
            var next = Volatile.Read(ref _next);
            if (LastPosition > afterPosition)
            {
                return;
            }

            await next.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Publish(IReadOnlyList<EventEnvelope> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        Interlocked.Exchange(ref _lastPosition, batch[^1].Position);
        var previous = Interlocked.Exchange(
            ref _next,
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
        Committed?.Invoke(batch);
    }

    /// <summary>Sets the position reached by replay at start-up.</summary>
    public void Start(long position) => Interlocked.Exchange(ref _lastPosition, position);
}
