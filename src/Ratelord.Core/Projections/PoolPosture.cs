using Ratelord.Core.Domain;
using Ratelord.Core.Events;

namespace Ratelord.Core.Projections;

/// <summary>Projection of every pool's posture: readings, reservations, throttles and forecasts.</summary>
public sealed class PoolPosture
{
    private readonly SortedDictionary<PoolKey, PoolState> _pools = [];
    private readonly Dictionary<Guid, PoolKey[]> _reservedBy = [];

    public IEnumerable<PoolState> All => _pools.Values;

    public PoolState? Find(PoolKey key) => _pools.GetValueOrDefault(key);

    internal void Apply(EventEnvelope envelope)
    {
        switch (envelope.Payload)
        {
            case ProviderObserved observed:
                ApplyObservation(observed, envelope);
                break;
            case IntentDecided decided:
                foreach (var reservation in decided.Reservations)
                {
                    GetOrAdd(reservation.Pool).Reserve(decided.IntentId, reservation);
                }

                if (decided.Reservations.Count > 0)
                {
                    _reservedBy[decided.IntentId] = [.. decided.Reservations.Select(r => r.Pool)];
                }

                break;
            case IntentSettled settled:
                ApplySettlement(settled, envelope);
                break;
            case ForecastComputed forecast:
                GetOrAdd(forecast.Pool).SetForecast(forecast.Forecast);
                break;
        }
    }

    private void ApplyObservation(ProviderObserved observed, EventEnvelope envelope)
    {
        foreach (var reading in observed.Pools)
        {
            var pool = GetOrAdd(new PoolKey(observed.Provider, reading.Pool, reading.Owner));
            pool.Observe(reading, envelope.EventTime, envelope.IngestTime);
        }

        if (!observed.Limited)
        {
            return;
        }

        var wait = observed.RetryAfterSeconds ?? observed.RetryAfterMinSeconds;
        if (wait is not { } seconds)
        {
            return;
        }

        // A throttled response names no pool when only Retry-After is given: then every pool of that
        // identity at that provider waits, since any of them may be the one that ran out.
        var until = envelope.IngestTime.AddSeconds(seconds);
        var exhausted = observed.Pools.Where(p => p.Remaining is 0).ToList();
        if (exhausted.Count > 0)
        {
            foreach (var reading in exhausted)
            {
                GetOrAdd(new PoolKey(observed.Provider, reading.Pool, reading.Owner)).Throttle(until);
            }

            return;
        }

        var owners = observed.Pools.Select(p => p.Owner).Append(observed.IdentityId).ToHashSet(StringComparer.Ordinal);
        foreach (var pool in _pools.Values)
        {
            if (pool.Key.Provider == observed.Provider && owners.Contains(pool.Key.Owner))
            {
                pool.Throttle(until);
            }
        }
    }

    private void ApplySettlement(IntentSettled settled, EventEnvelope envelope)
    {
        if (_reservedBy.Remove(settled.IntentId, out var keys))
        {
            foreach (var key in keys)
            {
                _pools[key].Release(settled.IntentId);
            }
        }

        foreach (var charge in settled.Charges)
        {
            GetOrAdd(charge.Pool).Charge(charge.Amount, envelope.EventTime, envelope.IngestTime);
        }
    }

    private PoolState GetOrAdd(PoolKey key)
    {
        if (!_pools.TryGetValue(key, out var pool))
        {
            pool = new PoolState(key);
            _pools.Add(key, pool);
        }

        return pool;
    }
}
