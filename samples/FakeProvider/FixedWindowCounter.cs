namespace Ratelord.Samples.FakeProvider;

/// <summary>What the counter said about one request.</summary>
/// <param name="Allowed">Whether the request fits in the window.</param>
/// <param name="Used">Requests counted in the window, this one included when it was allowed.</param>
/// <param name="Remaining">Requests still allowed in the window.</param>
/// <param name="ResetAt">The end of the window, when the count starts again.</param>
public readonly record struct Admission(bool Allowed, int Used, int Remaining, DateTimeOffset ResetAt);

/// <summary>
/// A fixed-window limit like GitHub's primary one: at most <c>limit</c> requests in each window, windows aligned to
/// multiples of their length since the Unix epoch.
/// </summary>
public sealed class FixedWindowCounter
{
    private readonly Lock _gate = new();
    private readonly int _limit;
    private readonly long _windowTicks;
    private long _windowIndex = long.MinValue;
    private int _used;

    /// <summary>Creates a counter.</summary>
    /// <param name="limit">Requests allowed in one window.</param>
    /// <param name="window">The window's length.</param>
    public FixedWindowCounter(int limit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _limit = limit;
        _windowTicks = window.Ticks;
    }

    /// <summary>Counts one request at <paramref name="now"/> if the window has room.</summary>
    public Admission Admit(DateTimeOffset now)
    {
        var index = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / _windowTicks;

        // Rolling the window and counting must be one step: two requests at a window's edge would otherwise both
        // reset it, or one would count in a window the other had already left.
        lock (_gate)
        {
            // A clock that steps back keeps counting in the newer window rather than opening a fresh one.
            if (index > _windowIndex)
            {
                _windowIndex = index;
                _used = 0;
            }

            var allowed = _used < _limit;
            if (allowed)
            {
                _used++;
            }

            var resetAt = DateTimeOffset.UnixEpoch.AddTicks((_windowIndex + 1) * _windowTicks);

            return new Admission(allowed, _used, _limit - _used, resetAt);
        }
    }
}
