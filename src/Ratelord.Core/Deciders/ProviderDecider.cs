using System.Globalization;
using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;
using Ratelord.Core.Providers;

namespace Ratelord.Core.Deciders;

/// <summary>
/// Decides what the daemon's own polls of providers teach (pools, failures and the next poll), and
/// what repeated throttling that no header explains teaches (a learned limit).
/// </summary>
public static class ProviderDecider
{
    /// <summary>The longest provider message kept in an error, in characters.</summary>
    private const int MaxMessageLength = 200;

    /// <summary>
    /// A known pool with less than this share of its limit left may be why a call was throttled
    /// (an LLM call that needs more tokens than are left), so its throttle is explained.
    /// </summary>
    private const double RoomShare = 0.1;

    /// <summary>Records that the daemon polls the instance from now on.</summary>
    public static bool Decide(ConfigureProvider command, Emitter emit)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(emit);

        var configured = new ProviderConfigured(
            command.ProviderId,
            command.Kind,
            command.Family,
            command.IdentityId,
            command.Endpoint,
            command.IntervalSeconds,
            command.MaxBackoffSeconds,
            command.StaleAfterSeconds,
            command.UnknownAfterSeconds,
            command.CredentialEnv);
        emit.Emit(configured, EventDimensions.System with { IdentityId = command.IdentityId });

        return true;
    }

    /// <summary>
    /// Records a poll: the pools its answer describes (with the answer's <c>Date</c> as event time),
    /// then either its success or its failure with a kind, and when to poll next: after the interval,
    /// or after a backoff with jitter that is never shorter than the wait the provider asked for.
    /// </summary>
    public static ProviderPollResult Decide(RecordProviderPoll command, RatelordState state, Emitter emit)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(emit);

        if (state.Providers.Find(command.ProviderId) is not { Active: true } provider)
        {
            throw new CommandRejectedException(
                "provider_not_configured",
                $"Provider '{command.ProviderId}' is not polled by this daemon; configure it first.",
                "provider_id",
                404);
        }

        var configuration = provider.Configuration;
        var dimensions = EventDimensions.System with { IdentityId = configuration.IdentityId };
        ProviderReading? reading = null;
        IReadOnlyList<PoolKey> pools = [];
        var eventTime = emit.Now;
        if (command.Response is { } response)
        {
            (var observation, reading) = PoolDecider.Read(
                configuration.Family, configuration.IdentityId, response, state, null);
            eventTime = reading.ResponseDate ?? emit.Now;
            if (observation.Pools.Count > 0 || observation.Limited)
            {
                emit.Emit(observation, dimensions, eventTime, provider: observation.Provider);
                pools = PoolDecider.KeysOf(observation);
            }
        }

        var failure = Failure(command, reading, configuration.Family);
        if (failure is not { } error)
        {
            var next = emit.Now.AddSeconds(configuration.IntervalSeconds);
            emit.Emit(
                new ProviderPollObserved(
                    command.ProviderId,
                    configuration.IdentityId,
                    reading!.Family,
                    command.Response!.Status,
                    command.DurationSeconds,
                    pools,
                    next),
                dimensions,
                eventTime);

            return new ProviderPollResult(command.ProviderId, null, null, next, reading, pools);
        }

        var failures = provider.ConsecutiveFailures + 1;
        var wait = reading?.RetryAfterSeconds ?? reading?.RetryAfterMinSeconds;
        var nextPoll = emit.Now.AddSeconds(Backoff(configuration, failures, command.Jitter, wait));
        emit.Emit(
            new ProviderError(
                command.ProviderId,
                configuration.IdentityId,
                error.Kind,
                command.Response?.Status,
                error.Message,
                wait,
                command.DurationSeconds,
                failures,
                pools,
                nextPoll),
            dimensions,
            eventTime);

        return new ProviderPollResult(command.ProviderId, error.Kind, error.Message, nextPoll, reading, pools);
    }

    /// <summary>
    /// Seconds until the next poll after the given number of failures in a row: the interval doubled
    /// per failure up to the maximum backoff, spread by the jitter over its upper half so pollers that
    /// failed together do not retry together, and never shorter than the wait the provider asked for.
    /// </summary>
    public static double Backoff(ProviderConfigured configuration, int failures, double jitter, double? providerWait)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var doubled = configuration.IntervalSeconds * Math.Pow(2, Math.Clamp(failures, 0, 30));
        var capped = Math.Min(configuration.MaxBackoffSeconds, doubled);
        var spread = capped * (0.5 + (0.5 * Math.Clamp(jitter, 0, 1)));

        return Math.Max(spread, providerWait ?? 0);
    }

    /// <summary>
    /// Records each throttle among the events decided that no pool explains, and turns repeated
    /// ones into a learned limit. Returns how many events it added; <paramref name="decided"/> must be
    /// a copy, since the events it adds go to the same emitter.
    /// </summary>
    /// <remarks>
    /// Run by the engine after the events of a command are applied, so it sees every source of
    /// observations alike: polls, agents' outcomes and <c>/v1/observations</c>. The first limit
    /// allows half the intents that started in its window before the throttle (at least one); each
    /// further unexplained throttle while it holds halves it again and renews its lifetime.
    /// </remarks>
    public static int DecideLearnedLimits(IReadOnlyList<EventEnvelope> decided, RatelordState state, Emitter emit)
    {
        ArgumentNullException.ThrowIfNull(decided);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(emit);

        var before = emit.Events.Count;
        foreach (var envelope in decided)
        {
            if (envelope.Payload is not ProviderObserved { Limited: true } observed
                || IsExplained(observed, state, emit.Now))
            {
                continue;
            }

            var workload = envelope.Dimensions.WorkloadId.StartsWith("sentinel:", StringComparison.Ordinal)
                ? Sentinels.Unspecified
                : envelope.Dimensions.WorkloadId;
            var wait = observed.RetryAfterSeconds ?? observed.RetryAfterMinSeconds;
            var throttle = emit.Emit(
                new ThrottleUnexplained(
                    observed.Provider,
                    observed.IdentityId,
                    workload,
                    observed.Status,
                    wait,
                    observed.IntentId),
                envelope.Dimensions,
                envelope.EventTime,
                causationId: envelope.EventId,
                provider: observed.Provider);

            var limits = state.LearnedLimits;
            var evidence = limits.UnexplainedSince(
                observed.Provider, observed.IdentityId, workload, emit.Now - LearnedLimits.EvidenceWindow) + 1;
            if (evidence < LearnedLimits.EvidenceThreshold)
            {
                continue;
            }

            var window = TimeSpan.FromSeconds(LearnedLimits.WindowSeconds);
            var recent = limits.ApprovalsBetween(observed.IdentityId, workload, emit.Now - window, emit.Now);
            var current = limits.Find(observed.Provider, observed.IdentityId, workload, emit.Now);
            var maxIntents = Math.Max(1, (current?.MaxIntents ?? recent) / 2);
            var reason = $"{evidence} throttles (last: status {observed.Status}) within "
                + $"{LearnedLimits.EvidenceWindow.TotalMinutes:0} min while every known pool had room; "
                + $"{recent} intent(s) had started in the {LearnedLimits.WindowSeconds:0} s before the last";
            emit.Emit(
                new LearnedLimitRecorded(
                    observed.Provider,
                    observed.IdentityId,
                    workload,
                    maxIntents,
                    LearnedLimits.WindowSeconds,
                    evidence,
                    emit.Now + LearnedLimits.Lifetime,
                    reason),
                envelope.Dimensions with { WorkloadId = workload },
                causationId: throttle.EventId,
                provider: observed.Provider);
        }

        return emit.Events.Count - before;
    }

    /// <summary>
    /// A throttle is explained when the answer shows a pool without room, or when a pool known of the
    /// identity at that provider has too little left: then the pool, not a hidden limit, refused.
    /// </summary>
    private static bool IsExplained(ProviderObserved observed, RatelordState state, DateTimeOffset now)
    {
        if (observed.Pools.Any(p => !HasRoom(p.Limit, p.Remaining) && p.Remaining is not null))
        {
            return true;
        }

        var owners = observed.Pools.Select(p => p.Owner).Append(observed.IdentityId).ToHashSet(StringComparer.Ordinal);

        return state.Pools.All
            .Where(pool => pool.Key.Provider == observed.Provider && owners.Contains(pool.Key.Owner))
            .Select(pool => pool.ViewAt(now))
            .Any(view => view.Remaining is not null && !HasRoom(view.Limit, view.Remaining));
    }

    private static bool HasRoom(double? limit, double? remaining) =>
        remaining is { } left && left >= 1 && (limit is not > 0 || left >= RoomShare * limit.Value);

    /// <summary>What went wrong with a poll, or null when it succeeded.</summary>
    private static (string Kind, string Message)? Failure(
        RecordProviderPoll command,
        ProviderReading? reading,
        string family)
    {
        if (command.Response is not { } response || reading is null)
        {
            return (command.FailureKind ?? ProviderErrorKinds.Unreachable, command.FailureMessage ?? "no answer");
        }

        var status = response.Status;
        var said = ProviderMessage(response);
        if (reading.Limited || status == 429)
        {
            var wait = reading.RetryAfterSeconds ?? reading.RetryAfterMinSeconds;
            var asked = wait is { } seconds
                ? $", asked to wait {seconds.ToString("0.###", CultureInfo.InvariantCulture)}s"
                : string.Empty;

            return (ProviderErrorKinds.RateLimited, $"the poll was throttled (status {status}){asked}{said}");
        }

        if (status is 401 or 403 or 407)
        {
            return (ProviderErrorKinds.Auth, $"the provider refused the credential (status {status}){said}");
        }

        if (status >= 500)
        {
            return (ProviderErrorKinds.ServerError, $"the provider failed (status {status}){said}");
        }

        if (status >= 300)
        {
            return (
                ProviderErrorKinds.UnexpectedStatus,
                $"unexpected status {status}; check base_url and the request{said}");
        }

        var readable = reading.Pools.Any(p => p.Limit is not null || p.Remaining is not null);

        return readable
            ? null
            : (ProviderErrorKinds.Parse,
                $"the answer (status {status}) holds no rate-limit value that the {family} reader understands");
    }

    /// <summary>The provider's own words about an error, from the usual places in a JSON body.</summary>
    private static string ProviderMessage(ProviderResponse response)
    {
        var message = ResponseValues.Text(ResponseValues.Find(response.Body, "message"))
            ?? ResponseValues.Text(ResponseValues.Find(response.Body, "error", "message"))
            ?? ResponseValues.Text(ResponseValues.Find(response.Body, "error"));
        if (string.IsNullOrWhiteSpace(message))
        {
            return string.Empty;
        }

        var clean = new string([.. message.Trim().Select(c => char.IsControl(c) ? ' ' : c)]);

        return ": " + (clean.Length > MaxMessageLength ? clean[..MaxMessageLength] + "..." : clean);
    }
}
