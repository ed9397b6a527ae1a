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
/// <para>
/// Local times (<see cref="ResetAt"/>, <see cref="ThrottledUntil"/>, <see cref="LastObservedAt"/>)
/// are on the daemon's clock: a reset that a response gives relative to its own <c>Date</c> is
/// added to the ingest time, so a provider whose clock is off by minutes still resets on time here.
/// </para>
/// <para>
/// Usage evidence is on the provider's clock instead (its <c>Date</c>), so the rate between two readings
/// is their drop over the time the provider says passed between them, however late they arrive.
/// Settlement charges are placed on that axis through the offset between the two clocks at the last
/// reading. Two readings belong to one fixed window when they name the same reset instant on the
/// provider's clock; a pool whose reset instant moves before it arrives refills continuously.
/// </para>
/// </remarks>
public sealed class PoolState
{
    /// <summary>Evidence is gathered into samples at least this long, so bursts weigh by units, not count.</summary>
    public const double MinSampleSeconds = 30;

    private const int MaxSamples = 1024;

    /// <summary>Two reset instants closer than this are the same (the provider's clock has whole seconds).</summary>
    private const double SameResetSeconds = 1.5;

    private readonly Dictionary<Guid, Reservation> _reservations = [];
    private readonly Queue<UsageSample> _samples = new();
    private double _pendingAmount;
    private bool _pendingCensored;

    // Provider clock minus daemon clock at the last reading, in seconds.
    private double _clockOffsetSeconds;

    // What the last reading said about the reset, on the provider's clock.
    private DateTimeOffset? _resetInstant;
    private double _lastResetInSeconds;
    private DateTimeOffset? _lastReadingTime;

    // True once an intent drew on the pool: only then is there an accounting for drift to depart from.
    private bool _accounted;

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

    /// <summary>End of the last closed usage sample, on the provider's clock.</summary>
    public DateTimeOffset? LastSampleTime { get; private set; }

    public DateTimeOffset? ThrottledUntil { get; private set; }

    public long Observations { get; private set; }

    public PoolForecast? LastForecast { get; private set; }

    public IReadOnlyDictionary<Guid, Reservation> Reservations => _reservations;

    /// <summary>Closed usage samples, oldest first.</summary>
    public IReadOnlyCollection<UsageSample> Samples => _samples;

    /// <summary>Consumption seen since <see cref="LastSampleTime"/> that no closed sample holds yet.</summary>
    public double PendingAmount => _pendingAmount;

    /// <summary>True when the pool was empty at some point of the open interval.</summary>
    public bool PendingCensored => _pendingCensored;

    /// <summary>How the pool refills, as its readings showed; unknown until a reading gave a reset.</summary>
    public RefillKind Refill { get; private set; }

    /// <summary>Window length learned from successive resets, for pools whose readings never state it.</summary>
    public double? LearnedWindowSeconds { get; private set; }

    /// <summary>Consumption the readings showed beyond Ratelord's own accounting.</summary>
    public PoolDrift Drift { get; private set; } = PoolDrift.None;

    /// <summary>True once a reading gave the pool's limit or remaining.</summary>
    public bool IsObserved => Limit is not null || Remaining is not null;

    public double Reserved => _reservations.Values.Sum(r => r.Amount);

    /// <summary>The pool as it stands at <paramref name="at"/>: a fixed window whose reset has passed is full
    /// again.</summary>
    public PoolView ViewAt(DateTimeOffset at)
    {
        if (ResetAt is { } reset && at >= reset)
        {
            return new PoolView(Limit, Limit, NextReset(reset, at), WindowSeconds);
        }

        return new PoolView(Limit, Remaining, ResetAt, WindowSeconds);
    }

    /// <summary>The daemon's instant <paramref name="at"/> on the provider's clock, as of the last reading.</summary>
    public DateTimeOffset ProviderTime(DateTimeOffset at) => at.AddSeconds(_clockOffsetSeconds);

    internal void Observe(PoolObservation reading, DateTimeOffset eventTime, DateTimeOffset ingestTime)
    {
        Roll(ingestTime);

        DateTimeOffset? newReset = reading.ResetInSeconds is { } inSeconds ? ingestTime.AddSeconds(inSeconds) : ResetAt;
        DateTimeOffset? instant = reading.ResetInSeconds is { } relative ? eventTime.AddSeconds(relative) : null;
        var limit = reading.Limit ?? Limit;
        var remaining = reading.Remaining;
        if (remaining is { } r && Remaining is { } previous)
        {
            remaining = Follow(previous, r, limit, instant, eventTime);
        }
        else if (remaining is not null)
        {
            Restart(eventTime);
        }

        if (instant is not null)
        {
            _resetInstant = instant;
            _lastResetInSeconds = reading.ResetInSeconds ?? 0;
            Refill = Refill == RefillKind.Unknown ? RefillKind.FixedWindow : Refill;
        }

        _clockOffsetSeconds = (eventTime - ingestTime).TotalSeconds;
        _lastReadingTime = eventTime;
        Limit = limit;
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

    internal void Reserve(Guid intentId, Reservation reservation)
    {
        _reservations[intentId] = reservation;
        _accounted = true;
    }

    internal void Release(Guid intentId) => _reservations.Remove(intentId);

    /// <summary>Counts consumption that no provider reading has shown yet.</summary>
    internal void Charge(double amount, DateTimeOffset eventTime, DateTimeOffset ingestTime)
    {
        // A settlement's event time is the daemon's clock; evidence lives on the provider's, so the charge
        // is placed there through the offset seen at the last reading.
        _ = eventTime;
        Roll(ingestTime);
        if (Remaining is { } remaining)
        {
            Remaining = Math.Max(0, remaining - amount);
        }

        _accounted = true;
        AddEvidence(amount, ProviderTime(ingestTime), censored: false);
    }

    internal void SetForecast(PoolForecast forecast) => LastForecast = forecast;

    /// <summary>
    /// Learns from a reading that follows another: the consumption between them, drift beyond the
    /// accounting, and whether the window restarted. Returns the remaining to keep.
    /// </summary>
    private double Follow(double previous, double reading, double? limit, DateTimeOffset? instant, DateTimeOffset at)
    {
        var restarted = _resetInstant is { } old && Refill != RefillKind.Continuous
            ? at >= old.AddSeconds(-SameResetSeconds)
            : Refill == RefillKind.Unknown && reading > previous;
        if (restarted)
        {
            StartWindow(reading, limit, instant, at);

            return reading;
        }

        if (instant is { } now
            && _resetInstant is { } before
            && Math.Abs((now - before).TotalSeconds) > SameResetSeconds)
        {
            // The reset moved before it came: capacity comes back as it is spent.
            Refill = RefillKind.Continuous;
        }

        var refill = Refill == RefillKind.Continuous ? RefillSince(previous, limit, at) : 0;
        var expected = limit is { } cap ? Math.Min(cap, previous + refill) : previous + refill;
        var unexplained = Math.Max(0, expected - reading);
        CheckDrift(expected, reading, unexplained, limit, refill, at);
        // What the accounting cannot explain is all consumption the charges did not already count,
        // refill included: the pool fell by it less what came back.
        AddEvidence(unexplained, at, censored: reading <= 0 || previous <= 0);

        // Within one fixed window the provider's counter only falls, so responses that arrive out of
        // order are merged to the lowest remaining.
        return Refill == RefillKind.Continuous ? reading : Math.Min(previous, reading);
    }

    /// <summary>
    /// A new fixed window: what it used since its reset becomes a sample from the reset instant, and the
    /// reset instants of the two windows teach the window's length.
    /// </summary>
    private void StartWindow(double reading, double? limit, DateTimeOffset? instant, DateTimeOffset at)
    {
        if (_resetInstant is { } old && instant is { } next && next > old)
        {
            var length = (next - old).TotalSeconds;
            LearnedWindowSeconds = LearnedWindowSeconds is { } learned ? Math.Min(learned, length) : length;
        }

        // The tail of the old window was never seen: the evidence restarts at the reset.
        _pendingAmount = 0;
        _pendingCensored = false;
        if (_resetInstant is { } start && limit is { } cap && at > start && LastSampleTime <= start)
        {
            LastSampleTime = start;
            AddEvidence(Math.Max(0, cap - reading), at, censored: reading <= 0);
        }
        else
        {
            LastSampleTime = at;
        }
    }

    /// <summary>Capacity a continuously refilling pool got back since the last reading.</summary>
    private double RefillSince(double previous, double? limit, DateTimeOffset at)
    {
        if (limit is not { } cap || _lastReadingTime is not { } last || at <= last)
        {
            return 0;
        }

        var perSecond = _lastResetInSeconds > 0 && previous < cap
            ? (cap - previous) / _lastResetInSeconds
            : WindowSeconds is > 0 and var window ? cap / window : 0;

        return Math.Min(cap - previous, perSecond * (at - last).TotalSeconds);
    }

    /// <summary>
    /// Drift is judged only on a pool that intents draw on: without them every unit is an outside
    /// consumer's, and the burn rate already is the forecast of it.
    /// </summary>
    private void CheckDrift(
        double expected,
        double observed,
        double unexplained,
        double? limit,
        double refill,
        DateTimeOffset at)
    {
        if (!_accounted)
        {
            return;
        }

        var inFlight = Reserved;
        var tolerance = Math.Max(1, 0.002 * (limit ?? 0)) + (0.25 * refill);
        if (unexplained > inFlight + tolerance)
        {
            Drift = Drift.Add(unexplained - inFlight, expected, observed, inFlight, at, Observations + 1);
        }
    }

    private void Restart(DateTimeOffset at)
    {
        _pendingAmount = 0;
        _pendingCensored = false;
        LastSampleTime = at;
    }

    /// <summary>
    /// Gathers consumption into the open interval and closes it as a sample once it is long enough.
    /// Evidence dated before the open interval began (a response that arrived late) joins it.
    /// </summary>
    private void AddEvidence(double amount, DateTimeOffset at, bool censored)
    {
        if (LastSampleTime is not { } start)
        {
            LastSampleTime = at;

            return;
        }

        _pendingAmount += amount;
        _pendingCensored |= censored;
        var seconds = (at - start).TotalSeconds;
        if (seconds < MinSampleSeconds)
        {
            return;
        }

        _samples.Enqueue(new UsageSample(at, _pendingAmount, seconds, _pendingCensored));
        if (_samples.Count > MaxSamples)
        {
            _samples.Dequeue();
        }

        _pendingAmount = 0;
        _pendingCensored = false;
        LastSampleTime = at;
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
