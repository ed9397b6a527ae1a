using Microsoft.Extensions.Time.Testing;

namespace Ratelord.Tests.Sdk;

/// <summary>
/// A fake clock that also tells when a timer is set. A test must not move the clock before the code under test has
/// started waiting, or the wait would start after the move and never end; waiting for the timer removes that race.
/// </summary>
internal sealed class WatchedTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _set = [];
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Set)> _waiters = [];

    public WatchedTimeProvider(DateTimeOffset start)
    {
        Fake = new FakeTimeProvider(start);
    }

    public FakeTimeProvider Fake { get; }

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _set.Add(dueTime);
            foreach (var waiter in _waiters.Where(w => w.DueTime == dueTime).ToList())
            {
                waiter.Set.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        return timer;
    }

    /// <summary>Completes once a timer with exactly this due time has been set (now or before).</summary>
    public Task TimerSetAsync(TimeSpan dueTime)
    {
        lock (_gate)
        {
            if (_set.Contains(dueTime))
            {
                return Task.CompletedTask;
            }

            var set = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, set));

            return set.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
    }
}
