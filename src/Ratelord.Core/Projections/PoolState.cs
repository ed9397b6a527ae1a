using System.Diagnostics;
using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Core.Forecasting;

namespace Ratelord.Core.Projections;

/// <summary>
/// Everything Ratelord knows about one pool: the provider's last reading, what approved intents
/// hold in reserve, and the evidence of consumption that forecasts are made from.
/// </summary>
/// <remarks>
/// Local times (<see cref="ResetAt"/>, <see cref="ThrottledUntil"/>, <see cref="LastObservedAt"/>)
/// are on the daemon's clock: a reset that a response gives relative to its own <c>Date</c> is
/// added to the ingest time, so a provider whose clock is off by minutes still resets on time here.
/// </remarks>
public sealed class PoolState
{
    private const int MaxSamples = 64;

    private readonly Dictionary<Guid, Reservation> _reservations = [];
    private readonly Queue<UsageSample> _samples = new();
    private double _pendingAmount;

    public PoolState(PoolKey key)
    {
        Key = key;
    }

    public PoolKey Key { get; }

    public double? Limit { get; private set; }

    public double? Remaining { get; private set; }

    public double? Used { get; private set; }

    public DateTimeOffset? ResetAt { get; private set; }

    public double? WindowSeconds { get; private set; }

    public DateTimeOffset? LastObservedAt { get; private set; }

    /// <summary>Event time (the provider's <c>Date</c>) of the last reading; the time axis of usage samples.</summary>
    public DateTimeOffset? LastSampleTime { get; private set; }

    public DateTimeOffset? ThrottledUntil { get; private set; }

    public long Observations { get; private set; }

    public PoolForecast? LastForecast { get; private set; }

    public IReadOnlyDictionary<Guid, Reservation> Reservations => _reservations;

    public IReadOnlyCollection<UsageSample> Samples => _samples;

    /// <summary>True once a reading gave the pool's limit or remaining.</summary>
    public bool IsObserved => Limit is not null || Remaining is not null;

    public double Reserved => _reservations.Values.Sum(r => r.Amount);

    /// <summary>The pool as it stands at <paramref name="at"/>: a fixed window whose reset has passed is full again.</summary>
    public PoolView ViewAt(DateTimeOffset at)
    {
        if (ResetAt is { } reset && at >= reset)
        {
            return new PoolView(Limit, Limit, NextReset(reset, at), WindowSeconds);
        }

        return new PoolView(Limit, Remaining, ResetAt, WindowSeconds);
    }

    internal void Observe(PoolObservation reading, DateTimeOffset eventTime, DateTimeOffset ingestTime)
    {
        Roll(ingestTime);

        DateTimeOffset? newReset = reading.ResetInSeconds is { } inSeconds ? ingestTime.AddSeconds(inSeconds) : ResetAt;
        var sameWindow = ResetAt is { } oldReset && newReset is { } nr && Math.Abs((nr - oldReset).TotalSeconds) < 1.5;
        var remaining = reading.Remaining;
        if (remaining is { } r && Remaining is { } previous && sameWindow)
        {
            RecordSample(previous - Math.Min(previous, r), eventTime);

            // Within one fixed window the provider's counter only falls, so responses that arrive out of
            // order are merged to the lowest remaining.
            remaining = Math.Min(previous, r);
        }
        else
        {
            LastSampleTime = eventTime;
        }

        Limit = reading.Limit ?? Limit;
        Remaining = remaining ?? Remaining;
        Used = reading.Used ?? Used;
        WindowSeconds = reading.WindowSeconds ?? WindowSeconds;
        ResetAt = newReset;
        LastObservedAt = ingestTime;
        Observations++;
        Debug.Assert(Remaining is null or >= 0, "A reading never leaves a negative remaining.");
    }

    internal void Throttle(DateTimeOffset until)
    {
        if (ThrottledUntil is null || until > ThrottledUntil)
        {
            ThrottledUntil = until;
        }
    }

    internal void Reserve(Guid intentId, Reservation reservation) => _reservations[intentId] = reservation;

    internal void Release(Guid intentId) => _reservations.Remove(intentId);

    /// <summary>Counts consumption that no provider reading has shown yet.</summary>
    internal void Charge(double amount, DateTimeOffset eventTime, DateTimeOffset ingestTime)
    {
        Roll(ingestTime);
        if (Remaining is { } remaining)
        {
            Remaining = Math.Max(0, remaining - amount);
        }

        RecordSample(amount, eventTime);
    }

    internal void SetForecast(PoolForecast forecast) => LastForecast = forecast;

    private void RecordSample(double amount, DateTimeOffset eventTime)
    {
        if (LastSampleTime is not { } last)
        {
            LastSampleTime = eventTime;

            return;
        }

        // Readings stamped with the same second carry their consumption into the next sample, so no
        // sample has a zero-length interval.
        _pendingAmount += amount;
        if (eventTime <= last)
        {
            return;
        }

        _samples.Enqueue(new UsageSample(eventTime, _pendingAmount, (eventTime - last).TotalSeconds));
        if (_samples.Count > MaxSamples)
        {
            _samples.Dequeue();
        }

        _pendingAmount = 0;
        LastSampleTime = eventTime;
    }

    private void Roll(DateTimeOffset at)
    {
        if (ResetAt is { } reset && at >= reset)
        {
            Remaining = Limit;
            Used = Limit is null ? null : 0;
            ResetAt = NextReset(reset, at);
        }
    }

    private DateTimeOffset? NextReset(DateTimeOffset reset, DateTimeOffset at)
    {
        if (WindowSeconds is not { } window || window <= 0)
        {
            return null;
        }

        var periods = Math.Floor((at - reset).TotalSeconds / window) + 1;

        return reset.AddSeconds(periods * window);
    }
}

/// <summary>A pool's counters as they stand at one instant.</summary>
public readonly record struct PoolView(double? Limit, double? Remaining, DateTimeOffset? ResetAt, double? WindowSeconds);
