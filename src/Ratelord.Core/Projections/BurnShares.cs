using Ratelord.Core.Domain;
using Ratelord.Core.Events;

namespace Ratelord.Core.Projections;

/// <summary>
/// Who has been drawing on each pool lately: per agent and per identity, the approved cost decayed
/// with a one-minute half-life on event time, so fairness looks at recent burn, not all history.
/// </summary>
public sealed class BurnShares
{
    /// <summary>Half-life of the decay.</summary>
    public static readonly TimeSpan HalfLife = TimeSpan.FromMinutes(1);

    private readonly Dictionary<PoolKey, Dictionary<string, Decayed>> _agents = [];
    private readonly Dictionary<PoolKey, Dictionary<string, Decayed>> _identities = [];

    /// <summary>The agent's share of the pool's recent burn, in [0, 1]; 0 when nothing was drawn.</summary>
    public double AgentShare(PoolKey pool, string agentId, DateTimeOffset at) => Share(_agents, pool, agentId, at);

    public double IdentityShare(PoolKey pool, string identityId, DateTimeOffset at) => Share(_identities, pool, identityId, at);

    /// <summary>How many agents drew on the pool recently (with at least 1% of its burn).</summary>
    public int ActiveAgents(PoolKey pool, DateTimeOffset at)
    {
        if (!_agents.TryGetValue(pool, out var agents))
        {
            return 0;
        }

        var total = agents.Values.Sum(d => d.At(at));

        return total <= 0 ? 0 : agents.Values.Count(d => d.At(at) / total >= 0.01);
    }

    /// <summary>Every agent's decayed burn on the pool, for the constraint graph and debugging.</summary>
    public IReadOnlyDictionary<string, double> Agents(PoolKey pool, DateTimeOffset at) =>
        _agents.TryGetValue(pool, out var agents)
            ? agents.ToDictionary(p => p.Key, p => p.Value.At(at), StringComparer.Ordinal)
            : new Dictionary<string, double>();

    internal void Apply(EventEnvelope envelope)
    {
        if (envelope.Payload is not IntentDecided { Reservations.Count: > 0 } decided)
        {
            return;
        }

        foreach (var reservation in decided.Reservations)
        {
            Add(_agents, reservation.Pool, envelope.Dimensions.AgentId, reservation.Amount, envelope.EventTime);
            Add(_identities, reservation.Pool, envelope.Dimensions.IdentityId, reservation.Amount, envelope.EventTime);
        }
    }

    private static void Add(
        Dictionary<PoolKey, Dictionary<string, Decayed>> table,
        PoolKey pool,
        string who,
        double amount,
        DateTimeOffset at)
    {
        if (!table.TryGetValue(pool, out var entries))
        {
            entries = new Dictionary<string, Decayed>(StringComparer.Ordinal);
            table[pool] = entries;
        }

        entries[who] = entries.TryGetValue(who, out var current)
            ? new Decayed(current.At(at) + amount, at)
            : new Decayed(amount, at);

        // Forget those whose burn has decayed to nothing, so the table stays as small as the active set.
        if (entries.Count > 64)
        {
            foreach (var stale in entries.Where(e => e.Value.At(at) < 1e-3).Select(e => e.Key).ToList())
            {
                entries.Remove(stale);
            }
        }
    }

    private static double Share(Dictionary<PoolKey, Dictionary<string, Decayed>> table, PoolKey pool, string who, DateTimeOffset at)
    {
        if (!table.TryGetValue(pool, out var entries) || !entries.TryGetValue(who, out var mine))
        {
            return 0;
        }

        var total = entries.Values.Sum(d => d.At(at));

        return total <= 0 ? 0 : mine.At(at) / total;
    }

    private readonly record struct Decayed(double Value, DateTimeOffset Since)
    {
        public double At(DateTimeOffset at) =>
            at <= Since ? Value : Value * Math.Pow(0.5, (at - Since).TotalSeconds / HalfLife.TotalSeconds);
    }
}
