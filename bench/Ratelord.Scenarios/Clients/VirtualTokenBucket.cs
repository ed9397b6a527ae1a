namespace Ratelord.Scenarios.Clients;

/// <summary>
/// A token bucket refilled by the virtual clock: it starts full, each <see cref="Replenish"/> adds one
/// period's tokens up to the limit, and callers that find it empty queue and are granted oldest first,
/// one token each, as <c>TokenBucketRateLimiter</c> with <c>QueueProcessingOrder.OldestFirst</c> and an
/// unbounded queue grants them.
/// </summary>
public sealed class VirtualTokenBucket
{
    private readonly int _tokenLimit;
    private readonly int _tokensPerPeriod;
    private readonly Queue<Action> _queue = new();
    private int _tokens;

    public VirtualTokenBucket(int tokenLimit, int tokensPerPeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerPeriod, 1);
        _tokenLimit = tokenLimit;
        _tokensPerPeriod = tokensPerPeriod;
        _tokens = tokenLimit;
    }

    /// <summary>Callers waiting for a token.</summary>
    public int Queued => _queue.Count;

    /// <summary>
    /// Runs <paramref name="granted"/> now if a token is free and nobody queues before it, else when one is.
    /// </summary>
    public void Acquire(Action granted)
    {
        ArgumentNullException.ThrowIfNull(granted);
        if (_queue.Count == 0 && _tokens > 0)
        {
            _tokens--;
            granted();

            return;
        }

        _queue.Enqueue(granted);
    }

    /// <summary>One period has passed: add its tokens and grant the queue, oldest first, while they last.</summary>
    public void Replenish()
    {
        _tokens = Math.Min(_tokenLimit, _tokens + _tokensPerPeriod);
        while (_queue.Count > 0 && _tokens > 0)
        {
            _tokens--;
            _queue.Dequeue()();
        }
    }
}
