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
/// <para>
/// Each reading of a fixed window places its reset a little late (the <c>Date</c> has whole seconds and
/// the response took time to arrive), each by its own amount. The pool keeps the earliest placement of
/// a reset, carries it to the next one, and ignores readings of a window whose reset has passed here:
/// otherwise intents placed at a reset would fall before a later placement of it and count against the
/// window that is ending.
/// </para>
/// </remarks>
public sealed class PoolState
{
    /// <summary>Evidence is gathered into samples at least this long, so bursts weigh by units, not count.</summary>
    public const double MinSampleSeconds = 30;

    /// <summary>How long the outside consumer's rate remembers, in seconds of the provider's clock.</summary>
    public const double OutsideMemorySeconds = 180;

    /// <summary>How slowly the highest outside rate seen is forgotten, in seconds of the provider's clock.</summary>
    public const double OutsidePeakMemorySeconds = 300;

    /// <summary>The outside consumer spends more than the hold for it once in this many windows or waits.</summary>
    public const double OutsideTailChance = 10_000;

    /// <summary>The deviations of a Poisson count beyond its mean that hold one chance in <see cref="OutsideTailChance"/>.</summary>
    private const double OutsideTailDeviations = 3.72;

    private const int MaxSamples = 1024;

    /// <summary>Two reset instants closer than this are the same (the provider's clock has whole seconds).</summary>
    private const double SameResetSeconds = 1.5;

    /// <summary>
    /// Two reset instants closer than this are the same one when a placement depends on it. Tighter than
    /// <see cref="SameResetSeconds"/>: a window may be one second long, and the next reset taken for this one
    /// would be placed a window early.
    /// </summary>
    private const double SamePlacementSeconds = 0.5;

    private readonly Dictionary<Guid, Reservation> _reservations = [];

    // How much of each started reservation a reading's drop was already put down to.
    private readonly Dictionary<Guid, double> _explained = [];
    private readonly Queue<UsageSample> _samples = new();
    private double _pendingAmount;
    private bool _pendingCensored;

    // Provider clock minus daemon clock at the last reading, in seconds.
    private double _clockOffsetSeconds;

    // What the last reading said about the reset, on the provider's clock.
    private DateTimeOffset? _resetInstant;

    // The earliest local placement of _resetInstant among the readings that named it.
    private DateTimeOffset? _resetPlacement;
    private double _lastResetInSeconds;

    // The longest time to its reset any reading has shown: no window of this pool is shorter.
    private double _longestResetIn;
    private DateTimeOffset? _lastReadingTime;

    // True once an intent drew on the pool: only then is there an accounting for drift to depart from.
    private bool _accounted;

    // The outside consumer's rate: units no reservation explains and the seconds they were seen over, both
    // faded over OutsideMemorySeconds, and the provider's instant up to which those seconds were counted.
    private double _outsideUnits;
    private double _outsideSeconds;
    private DateTimeOffset? _outsideUntil;

    // The highest outside rate measured, fading over OutsidePeakMemorySeconds, and when it was last updated.
    private double _outsidePeak;
    private DateTimeOffset? _outsidePeakAt;

    // Local time of the last reading whose remaining was taken: the outside consumer's spending after it is
    // in no reading yet.
    private DateTimeOffset? _countedAt;

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

    /// <summary>
    /// Units a second that the readings showed spent and no approved intent explains: an outside consumer on
    /// the same counter, measured from every reading (each reservation explains a drop once, when its call may
    /// have started), faded over <see cref="OutsideMemorySeconds"/>.
    /// </summary>
    public double OutsideRate => _outsideUnits / Math.Max(MinSampleSeconds, _outsideSeconds);

    /// <summary>
    /// The outside rate the holds plan with: the highest <see cref="OutsideRate"/> seen, forgotten slowly over
    /// <see cref="OutsidePeakMemorySeconds"/>. A consumer that met 429s spends less than it wants until the
    /// reset, then all of it at once, so its measured rate dips just before it bursts.
    /// </summary>
    public double OutsideHoldRate => Math.Max(OutsideRate, _outsidePeak);

    /// <summary>True once a reading gave the pool's limit or remaining.</summary>
    public bool IsObserved => Limit is not null || Remaining is not null;

    public double Reserved => _reservations.Values.Sum(r => r.Amount);

    /// <summary>
    /// What of an approval's reservation no reading has shown spent yet. A call that started before a reading
    /// was taken is in that reading's remaining once a drop was put down to it; holding it again would count
    /// it twice, and after a reset a burst of answers still in flight would hide the capacity they left.
    /// </summary>
    /// <remarks>
    /// Drops are put down to the earliest started reservations first, whichever call's answer brought them:
    /// the sum over the pool is what matters, and it is the consumption the readings showed less what an
    /// outside consumer explains.
    /// </remarks>
    public double Unseen(Guid intentId, Reservation reservation) =>
        Math.Max(0, reservation.Amount - _explained.GetValueOrDefault(intentId));

    /// <summary>
    /// The window length to plan with: the one the readings state, else the one learned from successive resets.
    /// </summary>
    public double? EffectiveWindowSeconds => WindowSeconds ?? LearnedWindowSeconds;

    /// <summary>The pool as it stands at <paramref name="at"/>: a fixed window whose reset has passed is full
    /// again.</summary>
    public PoolView ViewAt(DateTimeOffset at)
    {
        if (ResetAt is { } reset && at >= reset)
        {
            return new PoolView(Limit, Limit, NextReset(reset, at), EffectiveWindowSeconds);
        }

        return new PoolView(Limit, Remaining, ResetAt, EffectiveWindowSeconds);
    }

    /// <summary>
    /// The latest reset at or before <paramref name="at"/>: the one the last reading placed, or one of the windows
    /// rolled forward from it by the window's length; null before the placed reset.
    /// </summary>
    public DateTimeOffset? LastResetAtOrBefore(DateTimeOffset at)
    {
        if (ResetAt is not { } reset || at < reset)
        {
            return null;
        }

        return EffectiveWindowSeconds is > 0 and var window
            ? reset.AddSeconds(Math.Floor((at - reset).TotalSeconds / window) * window)
            : reset;
    }

    /// <summary>
    /// What the outside consumer may spend, at <see cref="OutsideHoldRate"/>, of the window containing
    /// <paramref name="at"/> from the last reading the pool counted (or that window's start) until
    /// <paramref name="until"/>: capacity the pool's remaining still shows but that will be gone by then.
    /// </summary>
    /// <remarks>
    /// The outside consumer's calls come at random, and a promise it spends first is a 429, so this is a
    /// quantile of its Poisson count, not the mean (see <c>OutsideAllowance</c>).
    /// </remarks>
    public double ExpectedOutside(DateTimeOffset at, DateTimeOffset until) =>
        OutsideAllowance(OutsideHoldRate * Math.Max(0, (until - CountedFrom(at)).TotalSeconds));

    /// <summary>
    /// What the outside consumer may spend in any <paramref name="seconds"/> (see
    /// <see cref="ExpectedOutside(DateTimeOffset, DateTimeOffset)"/>).
    /// </summary>
    public double ExpectedOutsideOver(double seconds) => OutsideAllowance(OutsideHoldRate * Math.Max(0, seconds));

    /// <summary>
    /// What an outside consumer spending <paramref name="mean"/> units on average may spend at most, but for
    /// one chance in <see cref="OutsideTailChance"/>: its calls come at random, so this is a Poisson quantile.
    /// </summary>
    private double OutsideAllowance(double mean)
    {
        // A rate that would not spend one unit of a whole window is the accounting's own rounding, not a
        // consumer: holding for it would cost units of every window.
        var window = EffectiveWindowSeconds is > 0 and var w ? w : MinSampleSeconds * 2;
        if (mean <= 0 || OutsideHoldRate * window < 1)
        {
            return 0;
        }

        if (mean > 50)
        {
            // The normal approximation of the Poisson tail, rounded up.
            return Math.Ceiling(mean + (OutsideTailDeviations * Math.Sqrt(mean)) + 1);
        }

        var term = Math.Exp(-mean);
        var below = term;
        var k = 0;
        while (1 - below > 1 / OutsideTailChance)
        {
            k++;
            term *= mean / k;
            below += term;
        }

        return k;
    }

    /// <summary>
    /// Where the outside consumer's spending in the window containing <paramref name="at"/> stops being in
    /// any reading: the last counted reading, or the start of a window that no reading has described.
    /// </summary>
    private DateTimeOffset CountedFrom(DateTimeOffset at)
    {
        var from = _countedAt ?? at;
        var start = LastResetAtOrBefore(at)
            ?? (ResetAt is { } end && EffectiveWindowSeconds is > 0 and var window ? end.AddSeconds(-window) : null);

        return start is { } windowStart && windowStart > from ? windowStart : from;
    }

    /// <summary>The daemon's instant <paramref name="at"/> on the provider's clock, as of the last reading.</summary>
    public DateTimeOffset ProviderTime(DateTimeOffset at) => at.AddSeconds(_clockOffsetSeconds);

    internal void Observe(PoolObservation reading, DateTimeOffset eventTime, DateTimeOffset ingestTime)
    {
        Roll(ingestTime);

        DateTimeOffset? newReset = reading.ResetInSeconds is { } inSeconds ? ingestTime.AddSeconds(inSeconds) : ResetAt;
        DateTimeOffset? instant = reading.ResetInSeconds is { } relative ? eventTime.AddSeconds(relative) : null;
        if (DescribesEndedWindow(instant, ingestTime))
        {
            // The response was overtaken in flight by the reset, or by a reading of the window after it: its
            // remaining would wrongly hold back the present window, and its reset is not the present one.
            Ended(eventTime, ingestTime);

            return;
        }

        if (Refill == RefillKind.FixedWindow)
        {
            newReset = EarliestPlacement(instant, newReset);
        }

        var limit = reading.Limit ?? Limit;
        var remaining = reading.Remaining;
        if (reading.ResetInSeconds is { } resetIn && resetIn > _longestResetIn)
        {
            _longestResetIn = resetIn;
        }

        if (remaining is { } r && Remaining is { } previous)
        {
            remaining = Follow(previous, r, limit, instant, eventTime, ingestTime);
        }
        else if (remaining is not null)
        {
            Restart(eventTime);
            _outsideUntil ??= eventTime;
        }

        if (remaining is not null)
        {
            _countedAt = ingestTime;
        }

        if (instant is not null)
        {
            _resetInstant = instant;
            _resetPlacement = newReset;
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

    internal void Release(Guid intentId)
    {
        _reservations.Remove(intentId);
        _explained.Remove(intentId);
    }

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
    private double Follow(
        double previous,
        double reading,
        double? limit,
        DateTimeOffset? instant,
        DateTimeOffset at,
        DateTimeOffset ingestTime)
    {
        var restarted = _resetInstant is { } old && Refill != RefillKind.Continuous
            ? at >= old.AddSeconds(-SameResetSeconds)
            : Refill == RefillKind.Unknown && reading > previous;
        if (restarted)
        {
            StartWindow(reading, limit, instant, at, ingestTime);

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
        CountOutside(unexplained, _outsideUntil ?? at, at, ingestTime, exhausted: reading <= 0 || previous <= 0);
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
    private void StartWindow(
        double reading,
        double? limit,
        DateTimeOffset? instant,
        DateTimeOffset at,
        DateTimeOffset ingestTime)
    {
        if (_resetInstant is { } old && instant is { } next && next > old)
        {
            // Two successive resets are one window apart only if no window passed unseen between them: a reading
            // has shown more than half of that gap left before a reset (a window is never shorter than what a
            // reading shows left of it), and the limit is the same on both sides.
            var length = (next - old).TotalSeconds;
            if (_longestResetIn > length / 2 && limit == Limit)
            {
                LearnedWindowSeconds = LearnedWindowSeconds is { } learned ? Math.Min(learned, length) : length;
            }

            // What the new window used since its reset; the old window's tail was never seen, so its
            // seconds do not count either. A reading dated the reset's own second still shows calls made
            // (a herd woken at the reset), and those are put down to their reservations like any other.
            if (limit is { } full && at >= old)
            {
                CountOutside(Math.Max(0, full - reading), old, at, ingestTime, exhausted: reading <= 0);
            }
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

    /// <summary>
    /// Adds to the outside consumer's rate what of <paramref name="consumed"/> no started reservation
    /// explains, seen over the provider's time from <paramref name="from"/> to <paramref name="at"/>.
    /// </summary>
    /// <param name="exhausted">
    /// True when the pool was empty in the interval: the outside consumer could not spend then, so its
    /// seconds fade what was measured but do not count as seconds it was seen over.
    /// </param>
    private void CountOutside(
        double consumed,
        DateTimeOffset from,
        DateTimeOffset at,
        DateTimeOffset ingestTime,
        bool exhausted)
    {
        var since = _outsideUntil is { } counted && counted > from ? counted : from;
        _outsideUntil ??= at;

        // The units were spent across the interval, not at its end, so they fade as its seconds do: one
        // interval alone then measures its own rate.
        double spread = 1;
        if (at > since)
        {
            var seconds = (at - since).TotalSeconds;
            var fade = Math.Exp(-seconds / OutsideMemorySeconds);
            spread = OutsideMemorySeconds * (1 - fade) / seconds;
            _outsideUnits *= fade;
            _outsideSeconds = (_outsideSeconds * fade) + (exhausted ? 0 : OutsideMemorySeconds * (1 - fade));
            _outsideUntil = at;
        }

        _outsideUnits += spread * Math.Max(0, consumed - Explain(consumed, ingestTime));

        var fadePeak = _outsidePeakAt is { } peakAt && at > peakAt
            ? Math.Exp(-(at - peakAt).TotalSeconds / OutsidePeakMemorySeconds)
            : 1;
        _outsidePeak = Math.Max(_outsidePeak * fadePeak, OutsideRate);
        _outsidePeakAt = _outsidePeakAt is { } last && last > at ? last : at;
    }

    /// <summary>
    /// Puts up to <paramref name="consumed"/> down to reservations whose calls may have started by
    /// <paramref name="ingestTime"/>, each unit of a reservation once, and returns how much that explained.
    /// </summary>
    /// <remarks>
    /// The earliest started go first, as the provider counted them first: a reading that a later call's
    /// drop came in first must not use up the reservation whose own reading shows that drop next.
    /// </remarks>
    private double Explain(double consumed, DateTimeOffset ingestTime)
    {
        var started = _reservations
            .Where(r => r.Value.EffectiveFrom <= ingestTime
                && _explained.GetValueOrDefault(r.Key) < r.Value.Amount)
            .OrderBy(r => r.Value.EffectiveFrom);
        double explained = 0;
        foreach (var (intentId, reservation) in started)
        {
            if (explained >= consumed)
            {
                break;
            }

            var already = _explained.GetValueOrDefault(intentId);
            var share = Math.Min(reservation.Amount - already, consumed - explained);
            _explained[intentId] = already + share;
            explained += share;
        }

        return explained;
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

    /// <summary>True when <paramref name="instant"/> is the reset instant the last reading named.</summary>
    private bool IsKnownResetInstant(DateTimeOffset? instant) =>
        instant is { } named
        && _resetInstant is { } known
        && Math.Abs((named - known).TotalSeconds) <= SamePlacementSeconds;

    /// <summary>
    /// Where to place a fixed window's reset that a reading names. Every placement is late (the provider's
    /// date has whole seconds, and the response took time to arrive), so the earliest is the most accurate,
    /// and keeping it keeps the intents placed at the reset after it, in the window they were counted in.
    /// The placement of the last reset carries over to a later one by the time between the two on the
    /// provider's clock, unless the two disagree by more than the provider's clock can explain (the local
    /// clock was stepped): then the new placement stands.
    /// </summary>
    private DateTimeOffset? EarliestPlacement(DateTimeOffset? instant, DateTimeOffset? placing)
    {
        if (instant is not { } named
            || placing is not { } placement
            || _resetInstant is not { } known
            || _resetPlacement is not { } placed)
        {
            return placing;
        }

        if (IsKnownResetInstant(named))
        {
            return placed < placement ? placed : placement;
        }

        var carried = placed + (named - known);

        return carried < placement && (placement - carried).TotalSeconds <= SameResetSeconds ? carried : placement;
    }

    /// <summary>
    /// True when a fixed window's reading names a reset instant that has passed here: the one already
    /// placed and reached, or one before it.
    /// </summary>
    private bool DescribesEndedWindow(DateTimeOffset? instant, DateTimeOffset ingestTime)
    {
        if (Refill != RefillKind.FixedWindow || instant is not { } named || _resetInstant is not { } known)
        {
            return false;
        }

        if (IsKnownResetInstant(named))
        {
            return _resetPlacement is { } placed && placed <= ingestTime;
        }

        return (known - named).TotalSeconds > SamePlacementSeconds;
    }

    /// <summary>Counts a reading of a window that has already ended, and takes nothing else from it.</summary>
    private void Ended(DateTimeOffset eventTime, DateTimeOffset ingestTime)
    {
        _clockOffsetSeconds = (eventTime - ingestTime).TotalSeconds;
        LastObservedAt = ingestTime;
        Observations++;
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
        if (EffectiveWindowSeconds is not { } window || window <= 0)
        {
            return null;
        }

        var periods = Math.Floor((at - reset).TotalSeconds / window) + 1;

        return reset.AddSeconds(periods * window);
    }
}

/// <summary>A pool's counters as they stand at one instant.</summary>
public readonly record struct PoolView(double? Limit, double? Remaining, DateTimeOffset? ResetAt, double? WindowSeconds);
