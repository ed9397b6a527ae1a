namespace Ratelord.Scenarios.Simulation;

/// <summary>
/// The simulation's only clock: a discrete-event agenda. Actions run in the order of their instants,
/// and actions due at the same instant in the order they were scheduled, so a run is a function of
/// its seed alone. Nothing sleeps and nothing reads the machine's clock.
/// </summary>
public sealed class VirtualClock
{
    private readonly PriorityQueue<Action, (long Ticks, long Sequence)> _agenda = new();
    private long _sequence;

    public VirtualClock(DateTimeOffset start)
    {
        Start = start;
        Now = start;
    }

    /// <summary>The instant the run began.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The instant of the action being run.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>Seconds since <see cref="Start"/>.</summary>
    public double Elapsed => (Now - Start).TotalSeconds;

    /// <summary>Schedules <paramref name="action"/> at <paramref name="when"/>, or now when that has passed.</summary>
    public void At(DateTimeOffset when, Action action)
    {
        var at = when < Now ? Now : when;
        _agenda.Enqueue(action, (at.UtcTicks, _sequence++));
    }

    /// <summary>Schedules <paramref name="action"/> <paramref name="seconds"/> from now.</summary>
    public void After(double seconds, Action action) =>
        At(Now + TimeSpan.FromSeconds(Math.Max(0, seconds)), action);

    /// <summary>Runs <paramref name="action"/> every <paramref name="period"/>, first one period from now.</summary>
    public void Every(TimeSpan period, Action action)
    {
        void Tick()
        {
            action();
            At(Now + period, Tick);
        }

        At(Now + period, Tick);
    }

    /// <summary>Runs every action due before <paramref name="end"/>, then stands at <paramref name="end"/>.</summary>
    public void RunUntil(DateTimeOffset end)
    {
        while (_agenda.TryPeek(out _, out var due) && due.Ticks < end.UtcTicks)
        {
            var action = _agenda.Dequeue();
            Now = new DateTimeOffset(due.Ticks, TimeSpan.Zero);
            action();
        }

        Now = end;
    }
}
