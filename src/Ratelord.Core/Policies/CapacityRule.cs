using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;

namespace Ratelord.Core.Policies;

/// <summary>One pool an intent needs, and how much of it.</summary>
public sealed record PoolDemand(PoolKey Pool, double Cost, bool ScalesWithCost);

/// <summary>When a demand can be met on one pool, or why it cannot.</summary>
/// <param name="Start">The earliest instant the intent may start on this pool; null when it cannot be planned.</param>
/// <param name="Blocker">Why the start is later than asked, or why there is none (a reason code).</param>
/// <param name="RetryAt">For a pool that cannot be planned, when asking again may succeed.</param>
public readonly record struct Slot(DateTimeOffset? Start, string? Blocker, DateTimeOffset? RetryAt);

/// <summary>
/// The built-in rule that keeps every pool solvent: an intent is approved only when what the pool
/// has left, less what approved-but-unsettled intents hold, covers its cost. Otherwise it is
/// placed after a reset, in the first window that still has room, or refused with a retry time.
/// </summary>
/// <remarks>
/// A wait is itself a reservation in the window it lands in, so agents that wake together after a
/// reset never exceed that window. A pool that no reading has described yet admits one probe at a
/// time: the probe's response teaches the pool's limit.
/// </remarks>
public static class CapacityRule
{
    /// <summary>How many windows ahead a wait may be planned when the window length is known.</summary>
    public const int MaxWindowsAhead = 16;

    /// <summary>How soon to ask again about a pool whose probe is still in flight.</summary>
    public static readonly TimeSpan ProbeRetry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after a fixed window's reset nothing is started. The reset is placed from readings that are
    /// never early, but a caller's timer may wake a millisecond or two before the instant it was given (timers
    /// count whole milliseconds), and a call that lands before the reset counts in the window that ended.
    /// </summary>
    public static readonly TimeSpan ResetGuard = TimeSpan.FromMilliseconds(100);

    /// <summary>How soon to ask again about an exhausted pool whose reset is unknown.</summary>
    public static readonly TimeSpan UnknownResetRetry = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The earliest instant at or after <paramref name="notBefore"/> when <paramref name="demand"/> fits.
    /// </summary>
    /// <param name="reserveFraction">
    /// Share of the pool's limit this intent may not touch: the reserve kept for high urgency.
    /// </param>
    /// <param name="reserveRelease">
    /// How long before a reset the reserve is released to everyone, so that capacity high urgency did
    /// not claim is not wasted; capped at a tenth of the window when the window is known.
    /// </param>
    public static Slot EarliestSlot(
        PoolState? pool,
        PoolDemand demand,
        DateTimeOffset notBefore,
        double reserveFraction = 0,
        TimeSpan reserveRelease = default)
    {
        if (pool is null || !pool.IsObserved)
        {
            return pool is { Reservations.Count: > 0 }
                ? new Slot(null, ReasonCodes.PoolUnobserved, notBefore + ProbeRetry)
                : new Slot(notBefore, null, null);
        }

        var blocker = (string?)null;
        if (pool.ThrottledUntil is { } throttled && throttled > notBefore)
        {
            notBefore = throttled;
            blocker = ReasonCodes.ProviderThrottled;
        }

        if (pool.LastResetAtOrBefore(notBefore) is { } last && notBefore < last + ResetGuard)
        {
            notBefore = last + ResetGuard;
        }

        var view = pool.ViewAt(notBefore);
        var reserve = ReserveAt(view, notBefore, reserveFraction, reserveRelease);
        if (view.Limit is { } limit && demand.Cost > limit)
        {
            return new Slot(null, ReasonCodes.CostExceedsLimit, null);
        }

        var windowEnd = view.ResetAt;
        var window = view.WindowSeconds is > 0 and var w ? TimeSpan.FromSeconds(w) : (TimeSpan?)null;
        var heldNow = HeldInWindowOf(pool, notBefore, windowEnd, window);

        // What an outside consumer will have spent by the last call this window has promised is not there
        // for any of them, though the last reading still shows it. Of a window no reading has described yet,
        // nobody knows when it will spend its share (one that waited out a 429 comes back at the reset), so
        // the whole share is held.
        var outside = IsPresentWindow(pool, notBefore) || windowEnd is not { } ending
            ? pool.ExpectedOutside(notBefore, LastStart(pool, notBefore, windowEnd))
            : pool.ExpectedOutside(notBefore, ending);
        if (view.Remaining is { } remaining && remaining - heldNow - reserve - outside >= demand.Cost)
        {
            return new Slot(notBefore, blocker, null);
        }

        if (windowEnd is not { } reset)
        {
            return new Slot(null, ReasonCodes.ResetUnknown, notBefore + UnknownResetRetry);
        }

        if (view.Limit is not { } capacity)
        {
            return new Slot(null, ReasonCodes.PoolExhausted, reset);
        }

        var windows = window is null ? 1 : MaxWindowsAhead;
        // A window projected past the last reading ends at a placement as late as the reading's was: its
        // approvals may be in the provider's next window already, so they spill into it too.
        var spill = IsPresentWindow(pool, notBefore) || window is not { } projected
            ? heldNow
            : HeldBetween(pool, reset - projected, reset);
        var start = reset;
        for (var k = 0; k < windows; k++)
        {
            DateTimeOffset? end = window is { } length ? start + length : null;

            // Approvals of the window containing notBefore may still be in flight when it resets, so
            // the first window after it counts them too.
            var held = HeldBetween(pool, start, end) + (k == 0 ? spill : 0);
            var windowReserve = Math.Floor(reserveFraction * capacity);

            // Windows to come hold the outside consumer's whole share, as above.
            var windowOutside = window is { } whole ? pool.ExpectedOutsideOver(whole.TotalSeconds) : 0;
            if (capacity - windowReserve - held - windowOutside >= demand.Cost)
            {
                return new Slot(start + ResetGuard, ReasonCodes.PoolExhausted, null);
            }

            if (end is not { } next)
            {
                break;
            }

            start = next;
        }

        return new Slot(null, window is null ? ReasonCodes.PoolExhausted : ReasonCodes.WindowsFull, start);
    }

    /// <summary>
    /// The part of the pool kept for high urgency at <paramref name="at"/>. At the start of a window it is
    /// <paramref name="reserveFraction"/> of the limit; when the window's length is known, it shrinks with the
    /// time the window has left, since high urgency can only arrive in what is left of it, down to a quarter
    /// of itself; in the release zone just before the reset it is gone. Capacity high urgency did not claim is
    /// thus handed out across the window, not wasted at its end.
    /// </summary>
    /// <param name="release">
    /// How long before a reset nothing is kept back; capped at a tenth of the window when the window is known.
    /// </param>
    public static double ReserveAt(PoolView view, DateTimeOffset at, double reserveFraction, TimeSpan release)
    {
        if (view.Limit is not { } limit || reserveFraction <= 0)
        {
            return 0;
        }

        var full = reserveFraction * limit;
        if (view.ResetAt is not { } reset)
        {
            return Math.Floor(full);
        }

        var window = view.WindowSeconds is > 0 and var length ? length : (double?)null;
        var zone = window is { } w ? Math.Min(release.TotalSeconds, w / 10) : release.TotalSeconds;
        var left = (reset - at).TotalSeconds;
        if (left <= zone)
        {
            return 0;
        }

        var share = window is { } whole ? Math.Clamp(left / whole, MinReserveShare, 1) : 1;

        // Whole units: a pool too small to spare one unit keeps no reserve rather than becoming unusable.
        return Math.Floor(full * share);
    }

    /// <summary>The least share of the reserve kept until the release zone, however little of the window is left.</summary>
    public const double MinReserveShare = 0.25;

    /// <summary>True when <paramref name="at"/> lies in the window the pool's last reading describes.</summary>
    private static bool IsPresentWindow(PoolState pool, DateTimeOffset at) => pool.ResetAt is not { } reset || at < reset;

    /// <summary>
    /// What approvals hold against the window containing <paramref name="at"/>. In the present window
    /// that is every unsettled approval, since any of them may still be in flight. In a window that
    /// only starts after the pool's known reset, it is what was planned into that window, plus, for
    /// the first such window, what the present one still has in flight.
    /// </summary>
    private static double HeldInWindowOf(PoolState pool, DateTimeOffset at, DateTimeOffset? windowEnd, TimeSpan? window)
    {
        if (IsPresentWindow(pool, at) || window is not { } length || windowEnd is not { } end)
        {
            return HeldBefore(pool, windowEnd);
        }

        var start = end - length;
        var held = HeldBetween(pool, start, end);
        if (pool.ResetAt is { } present && start <= present + TimeSpan.FromMilliseconds(1))
        {
            held += HeldBefore(pool, present);
        }

        return held;
    }

    /// <summary>
    /// The latest start, from <paramref name="at"/> on, that an approval holds in the window ending at
    /// <paramref name="windowEnd"/>.
    /// </summary>
    private static DateTimeOffset LastStart(PoolState pool, DateTimeOffset at, DateTimeOffset? windowEnd)
    {
        var last = at;
        foreach (var reservation in pool.Reservations.Values)
        {
            if (reservation.EffectiveFrom > last && (windowEnd is null || reservation.EffectiveFrom < windowEnd))
            {
                last = reservation.EffectiveFrom;
            }
        }

        return last;
    }

    /// <summary>What approvals hold in the window that ends at <paramref name="windowEnd"/> (or in total).</summary>
    public static double HeldBefore(PoolState pool, DateTimeOffset? windowEnd)
    {
        double held = 0;
        foreach (var (intentId, reservation) in pool.Reservations)
        {
            if (windowEnd is null || reservation.EffectiveFrom < windowEnd)
            {
                held += pool.Unseen(intentId, reservation);
            }
        }

        return held;
    }

    private static double HeldBetween(PoolState pool, DateTimeOffset start, DateTimeOffset? end)
    {
        double held = 0;
        foreach (var (intentId, reservation) in pool.Reservations)
        {
            if (reservation.EffectiveFrom >= start && (end is null || reservation.EffectiveFrom < end))
            {
                held += pool.Unseen(intentId, reservation);
            }
        }

        return held;
    }

    /// <summary>Reservations for every demand, starting at <paramref name="start"/>.</summary>
    public static IReadOnlyList<Reservation> Reserve(IEnumerable<PoolDemand> demands, DateTimeOffset start) =>
        [.. demands.Select(d => new Reservation(d.Pool, d.Cost, start, d.ScalesWithCost))];
}
