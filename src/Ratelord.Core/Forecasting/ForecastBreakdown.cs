using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;

namespace Ratelord.Core.Forecasting;

/// <summary>One identity's part in a pool's recent burn.</summary>
/// <param name="IdentityId">The identity charged.</param>
/// <param name="Share">Its share of the units the pool lost in the lookback, in [0, 1].</param>
/// <param name="BurnRate">That share of the pool's forecast burn rate, units per second.</param>
/// <param name="Consumed">Units its settled intents cost the pool in the lookback.</param>
/// <param name="Reserved">Units its approved, unsettled intents hold now.</param>
public sealed record IdentityShare(string IdentityId, double Share, double BurnRate, double Consumed, double Reserved);

/// <summary>One scope's part in a pool's recent burn, its sub-scopes included.</summary>
/// <param name="ScopeId">The scope (<c>org:acme</c> covers <c>org:acme/repo:web</c>).</param>
/// <param name="Share">Its share of the units the pool lost in the lookback, in [0, 1].</param>
/// <param name="BurnRate">That share of the pool's forecast burn rate, units per second.</param>
/// <param name="Reserved">Units its approved, unsettled intents hold now.</param>
public sealed record ScopeShare(string ScopeId, double Share, double BurnRate, double Reserved);

/// <summary>Who burns a pool: per identity and per scope, and what no intent accounts for.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="Consumed">Units the pool lost in the lookback, from every source Ratelord saw.</param>
/// <param name="OutsideShare">Share of them that no intent accounts for: outside consumers, or agents that never
/// ask.</param>
/// <param name="Identities">Identities whose intents drew on it, largest share first.</param>
/// <param name="Scopes">Scopes whose intents drew on it, largest share first.</param>
public sealed record PoolBreakdown(
    PoolKey Pool,
    double Consumed,
    double OutsideShare,
    IReadOnlyList<IdentityShare> Identities,
    IReadOnlyList<ScopeShare> Scopes);

/// <summary>
/// Splits each pool's recent consumption between the identities and scopes whose intents caused it,
/// over the last <see cref="LookbackSeconds"/>: the share an identity or a scope takes of the pool's
/// forecast burn is its share of what the pool lost.
/// </summary>
public static class ForecastBreakdown
{
    /// <summary>How far back consumption is attributed: the slow window of the decision model.</summary>
    public const double LookbackSeconds = WindowRateModel.SlowSeconds;

    /// <summary>The breakdown of every pool at <paramref name="now"/>, each pool's burn rate taken from <paramref
    /// name="burnRates"/>.</summary>
    public static IReadOnlyDictionary<PoolKey, PoolBreakdown> Of(
        RatelordState state,
        DateTimeOffset now,
        IReadOnlyDictionary<PoolKey, double> burnRates)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(burnRates);
        var since = now.AddSeconds(-LookbackSeconds);
        var ledgers = new Dictionary<PoolKey, Ledger>();
        foreach (var intent in state.Intents.All)
        {
            if (intent.Decision is not { Reservations.Count: > 0 } decision)
            {
                continue;
            }

            foreach (var reservation in decision.Reservations)
            {
                var consumed = intent.Settlement is { } settlement && intent.SettledAt >= since
                    ? Cost(reservation, settlement)
                    : 0;
                var reserved = intent.HoldsReservation ? reservation.Amount : 0;
                if (consumed <= 0 && reserved <= 0)
                {
                    continue;
                }

                if (!ledgers.TryGetValue(reservation.Pool, out var ledger))
                {
                    ledger = new Ledger();
                    ledgers[reservation.Pool] = ledger;
                }

                ledger.Add(intent.Dimensions, consumed, reserved);
            }
        }

        var breakdowns = new Dictionary<PoolKey, PoolBreakdown>();
        foreach (var pool in state.Pools.All)
        {
            var rate = burnRates.GetValueOrDefault(pool.Key);
            var seen = ConsumedSince(pool, pool.ProviderTime(since));
            breakdowns[pool.Key] = ledgers.TryGetValue(pool.Key, out var ledger)
                ? ledger.Build(pool.Key, seen, rate)
                : new PoolBreakdown(pool.Key, seen, seen > 0 ? 1 : 0, [], []);
        }

        return breakdowns;
    }

    /// <summary>What a settled intent cost one pool: its actual cost where the pool scales with it.</summary>
    private static double Cost(Reservation reservation, IntentSettled settlement) => settlement.Outcome switch
    {
        SettlementOutcomes.Cancelled or SettlementOutcomes.Expired => 0,
        _ when reservation.ScalesWithCost && settlement.ActualCost is { } actual => actual,
        _ => reservation.Amount,
    };

    /// <summary>Units the pool's evidence shows since <paramref name="since"/> (provider clock).</summary>
    private static double ConsumedSince(PoolState pool, DateTimeOffset since)
    {
        double units = pool.PendingAmount;
        foreach (var sample in pool.Samples)
        {
            if (sample.At <= since)
            {
                continue;
            }

            // A sample that began before the lookback counts in proportion.
            var inside = Math.Min(sample.Seconds, (sample.At - since).TotalSeconds);
            units += sample.Seconds > 0 ? sample.Amount * inside / sample.Seconds : sample.Amount;
        }

        return units;
    }

    private static bool Covers(string prefix, string scope) =>
        prefix == Sentinels.GlobalScope
        || scope == prefix
        || (scope.StartsWith(prefix,
            StringComparison.Ordinal) && scope.Length > prefix.Length && scope[prefix.Length] == '/');

    private sealed class Ledger
    {
        private readonly Dictionary<string, (double Consumed,
            double Reserved)> _identities = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (double Consumed, double Reserved)> _scopes = new(StringComparer.Ordinal);

        public void Add(EventDimensions dimensions, double consumed, double reserved)
        {
            var identity = _identities.GetValueOrDefault(dimensions.IdentityId);
            _identities[dimensions.IdentityId] = (identity.Consumed + consumed, identity.Reserved + reserved);
            var scope = _scopes.GetValueOrDefault(dimensions.ScopeId);
            _scopes[dimensions.ScopeId] = (scope.Consumed + consumed, scope.Reserved + reserved);
        }

        public PoolBreakdown Build(PoolKey key, double seen, double rate)
        {
            var accounted = _identities.Values.Sum(v => v.Consumed);

            // Charges are part of the pool's evidence, so what it saw is at least what intents cost it.
            var total = Math.Max(seen, accounted);
            double ShareOf(double consumed) => total > 0 ? consumed / total : 0;
            var identities = _identities
                .Select(p => new IdentityShare(p.Key, ShareOf(p.Value.Consumed), ShareOf(p.Value.Consumed) * rate,
                    p.Value.Consumed, p.Value.Reserved))
                .OrderByDescending(s => s.Share).ThenBy(s => s.IdentityId, StringComparer.Ordinal)
                .ToList();

            // A scope covers its sub-scopes: org:acme sums org:acme/repo:web and org:acme/repo:api.
            var scopes = new List<ScopeShare>();
            foreach (var scope in Prefixes(_scopes.Keys))
            {
                var covered = _scopes.Where(p => Covers(scope, p.Key)).ToList();
                var consumed = covered.Sum(p => p.Value.Consumed);
                scopes.Add(new ScopeShare(scope, ShareOf(consumed), ShareOf(consumed) * rate,
                    covered.Sum(p => p.Value.Reserved)));
            }

            scopes.Sort((a, b) => b.Share != a.Share
                ? b.Share.CompareTo(a.Share)
                : string.CompareOrdinal(a.ScopeId, b.ScopeId));

            return new PoolBreakdown(key, total, total > 0 ? Math.Max(0, total - accounted) / total : 0, identities,
                scopes);
        }

        /// <summary>Every scope named, and every ancestor of one (<c>org:acme</c> of
        /// <c>org:acme/repo:web</c>).</summary>
        private static SortedSet<string> Prefixes(IEnumerable<string> scopes)
        {
            var all = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var scope in scopes)
            {
                all.Add(scope);
                for (var slash = scope.IndexOf('/', StringComparison.Ordinal); slash > 0;
                     slash = scope.IndexOf('/', slash + 1))
                {
                    all.Add(scope[..slash]);
                }
            }

            return all;
        }
    }
}
