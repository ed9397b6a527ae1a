using Ratelord.Core.Domain;
using Ratelord.Core.Projections;

namespace Ratelord.Core.Policies;

/// <summary>
/// Turns <c>shape</c> and <c>defer</c> into start times. Shaping paces a pool: what it has left is
/// spread evenly until its reset, each intent taking the next slot after the last one held, so
/// agents that wake from their waits never race. Deferral moves an intent just past the reset.
/// </summary>
public static class Shaping
{
    /// <summary>
    /// The paced start on one pool: the next slot after the latest start already held in this window,
    /// one slot being the time left to the reset divided by what is left to spend, times the weight.
    /// </summary>
    /// <param name="weight">1 for normal urgency, more for background and for agents over their fair share.</param>
    public static DateTimeOffset PacedStart(
        PoolState? pool,
        PoolDemand demand,
        DateTimeOffset now,
        double reserveFraction,
        TimeSpan reserveRelease,
        double weight)
    {
        if (pool is null || weight <= 0)
        {
            return now;
        }

        var view = pool.ViewAt(now);
        if (view.Remaining is not { } remaining || view.ResetAt is not { } reset || reset <= now)
        {
            return now;
        }

        // What an outside consumer is expected to spend before the reset is not there to spread.
        var reserve = CapacityRule.ReserveAt(view, now, reserveFraction, reserveRelease);
        var outside = pool.ExpectedOutside(now, reset);
        var available = remaining - CapacityRule.HeldBefore(pool, reset) - reserve - outside;
        if (available < demand.Cost)
        {
            // Nothing left to pace in this window: the capacity rule places the intent after the reset.
            return now;
        }

        var cursor = now;
        foreach (var reservation in pool.Reservations.Values)
        {
            if (reservation.EffectiveFrom > cursor && reservation.EffectiveFrom < reset)
            {
                cursor = reservation.EffectiveFrom;
            }
        }

        var slot = TimeSpan.FromSeconds((reset - cursor).TotalSeconds / available * demand.Cost * weight);
        var start = cursor + slot;

        return start < reset ? start : reset;
    }

    /// <summary>Just past the pool's next reset, spread by a jitter drawn from the intent id so replays agree.</summary>
    public static DateTimeOffset? DeferredStart(PoolState? pool, DateTimeOffset now, Guid intentId, double jitterSeconds)
    {
        if (pool?.ViewAt(now).ResetAt is not { } reset)
        {
            return null;
        }

        return reset + CapacityRule.ResetGuard + TimeSpan.FromSeconds(Jitter(intentId) * jitterSeconds);
    }

    /// <summary>The pacing weight of an intent: urgency, then fairness when the agent burns beyond its share.</summary>
    public static double Weight(Urgency urgency, double agentShare, int activeAgents, PolicyDefaults defaults)
    {
        var weight = urgency switch
        {
            Urgency.High => 0,
            Urgency.Background => defaults.BackgroundPacingWeight,
            _ => 1,
        };
        if (weight > 0 && activeAgents > 1)
        {
            var fair = 1.0 / activeAgents;
            if (agentShare > fair * defaults.FairShareTolerance)
            {
                weight *= agentShare / fair;
            }
        }

        return weight;
    }

    /// <summary>A number in [0, 1) fixed by the intent id.</summary>
    private static double Jitter(Guid intentId)
    {
        Span<byte> bytes = stackalloc byte[16];
        intentId.TryWriteBytes(bytes);
        var value = BitConverter.ToUInt32(bytes[12..]);

        return value / (uint.MaxValue + 1.0);
    }
}
