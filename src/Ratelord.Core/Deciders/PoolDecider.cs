using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Projections;
using Ratelord.Core.Providers;

namespace Ratelord.Core.Deciders;

/// <summary>Decides what provider responses teach about pools, and when a forecast is worth recording.</summary>
public static class PoolDecider
{
    public static ObservationResult Decide(RecordObservation command, RatelordState state, Emitter emit)
    {
        // A response is learned for an identity that intents can name: one nobody registered would grow pools
        // that no intent is ever decided on.
        if (state.Identities.Find(command.IdentityId) is null)
        {
            throw new CommandRejectedException(
                "identity_not_found",
                $"Identity '{command.IdentityId}' is not registered; register it (POST /v1/identities) before "
                + "reporting its responses.",
                "identity_id",
                404);
        }

        var (observation, reading) = Read(command.Family, command.IdentityId, command.Response, state, null);
        var dimensions = new EventDimensions(
            command.AgentId,
            command.IdentityId,
            Sentinels.Unspecified,
            command.ScopeId);
        emit.Emit(observation, dimensions, reading.ResponseDate ?? emit.Now, provider: observation.Provider);

        return new ObservationResult(reading, KeysOf(observation));
    }

    /// <summary>Reads a response and resolves its pools to their owners (shared keys, or the identity).</summary>
    public static (ProviderObserved Observation, ProviderReading Reading) Read(
        string family,
        string identityId,
        ProviderResponse response,
        RatelordState state,
        Guid? intentId)
    {
        if (family != ProviderReader.Auto && !ProviderReader.IsKnownFamily(family))
        {
            throw new CommandRejectedException(
                "unknown_provider_family",
                $"'{family}' is not a known provider format; use auto or one of: {string.Join(", ", ProviderReader.Families)}.",
                "provider",
                400);
        }

        var identity = state.Identities.Find(identityId);
        var reading = ProviderReader.Read(family, response);

        // Recognised only by the bare x-ratelimit-* names that Envoy's reader falls back on, a response is read as
        // the format of the identity's own provider: a GitHub credential's answer carrying just
        // x-ratelimit-remaining is GitHub's core pool, not an Envoy pool that GitHub does not have.
        if (family == ProviderReader.Auto
            && reading.Family == "envoy"
            && identity?.Provider is { } own
            && own != reading.Family
            && ProviderReader.IsKnownFamily(own))
        {
            reading = ProviderReader.Read(own, response);
        }

        var provider = identity?.Provider ?? reading.Family;
        var pools = reading.Pools
            .Select(p => new PoolObservation(
                p.Pool,
                identity?.OwnerOf(p.Pool) ?? identityId,
                p.Limit,
                p.Remaining,
                p.Used,
                p.ResetInSeconds,
                p.WindowSeconds))
            .ToList();
        var observation = new ProviderObserved(
            provider,
            identityId,
            reading.Family,
            response.Status,
            reading.Limited,
            reading.RetryAfterSeconds,
            reading.RetryAfterMinSeconds,
            pools,
            intentId);

        return (observation, reading);
    }

    public static IReadOnlyList<PoolKey> KeysOf(ProviderObserved observation) =>
        [.. observation.Pools.Select(p => new PoolKey(observation.Provider, p.Pool, p.Owner))];

    /// <summary>
    /// Records <see cref="DriftDetected"/> for each pool whose reading, among <paramref name="decided"/>,
    /// showed less remaining than the accounting explains. The projection judged it as it applied the
    /// reading; the event makes it visible in the log, caused by that reading and dated by it.
    /// </summary>
    public static void DecideDrift(IReadOnlyList<EventEnvelope> decided, RatelordState state, Emitter emit)
    {
        ArgumentNullException.ThrowIfNull(decided);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(emit);
        foreach (var envelope in decided)
        {
            if (envelope.Payload is not ProviderObserved observed)
            {
                continue;
            }

            foreach (var key in KeysOf(observed).Distinct())
            {
                if (state.Pools.Find(key) is not { } pool
                    || pool.Drift.Count == 0
                    || pool.Drift.LastReading != pool.Observations
                    || pool.Drift.LastAt != envelope.EventTime)
                {
                    continue;
                }

                var drift = pool.Drift;
                emit.Emit(
                    new DriftDetected(
                        key,
                        drift.LastAmount,
                        drift.LastExpected,
                        drift.LastObserved,
                        drift.LastInFlight,
                        DriftDetected.OutsideConsumer,
                        drift.Count),
                    EventDimensions.System with { IdentityId = key.Owner },
                    envelope.EventTime,
                    causationId: envelope.EventId,
                    provider: key.Provider,
                    pool: key.Pool);
            }
        }
    }

    /// <summary>
    /// Records a forecast for each touched pool whose status band or flags changed, or whose P50 time to
    /// exhaustion moved by more than the material fraction, so the log holds forecasts without one per
    /// intent.
    /// </summary>
    public static void DecideForecasts(
        IEnumerable<PoolKey> touched,
        RatelordState state,
        RatelordOptions options,
        Emitter emit)
    {
        ArgumentNullException.ThrowIfNull(touched);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(emit);
        foreach (var key in touched.Distinct())
        {
            if (state.Pools.Find(key) is not { } pool)
            {
                continue;
            }

            var forecast = PoolForecaster.Forecast(pool, emit.Now, options.ForecastModel);
            if (IsMaterial(pool.LastForecast, forecast, options.MaterialTteChange))
            {
                emit.Emit(
                    new ForecastComputed(key, forecast),
                    EventDimensions.System with { IdentityId = key.Owner },
                    provider: key.Provider,
                    pool: key.Pool);
            }
        }
    }

    private static bool IsMaterial(PoolForecast? previous, PoolForecast next, double fraction)
    {
        if (previous is null
            || previous.Status != next.Status
            || previous.Model != next.Model
            || !(previous.Flags ?? []).SequenceEqual(next.Flags ?? [], StringComparer.Ordinal))
        {
            return true;
        }

        return (previous.Tte.P50Seconds, next.Tte.P50Seconds) switch
        {
            (null, null) => false,
            (null, _) or (_, null) => true,
            ({ } a, { } b) => Math.Abs(b - a) > fraction * Math.Max(a, 1),
        };
    }
}
