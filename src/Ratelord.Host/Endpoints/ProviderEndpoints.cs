using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;

namespace Ratelord.Host.Endpoints;

/// <summary>
/// <c>GET /v1/providers</c>: every provider instance the daemon polls, with its last success, its
/// last error and why it is degraded, stale or unknown. Also what the polls add to <c>GET /v1/pools</c>:
/// a pool's freshness against its poller's ages, and the limits learned from unexplained throttling.
/// </summary>
public static class ProviderEndpoints
{
    /// <summary>Maps <c>GET /v1/providers</c>.</summary>
    public static void MapProviderEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/providers", ListAsync).WithName("ListProviders");

    /// <summary>
    /// The pool as its poller's configured ages see it: past <c>stale_after</c> its forecast is marked
    /// stale, past <c>unknown_after</c> its status is unknown, and either way <c>status_reason</c> says why.
    /// The pool keeps its last known counters.
    /// </summary>
    public static PoolResponse WithProviderFreshness(
        this PoolResponse response,
        PoolState pool,
        RatelordState state,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(state);

        if (state.Providers.FreshnessOf(pool, now) is not { Stale: true } freshness)
        {
            return response;
        }

        return response with
        {
            Status = freshness.Unknown ? "unknown" : response.Status,
            StatusReason = freshness.Reason,
            Forecast = response.Forecast with { Stale = true },
        };
    }

    /// <summary>The learned limits that hold at <paramref name="now"/>.</summary>
    public static IReadOnlyList<LearnedLimitResponse> LearnedLimitsAt(RatelordState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);

        return [.. state.LearnedLimits.ActiveAt(now).Select(LearnedLimitResponse.From)];
    }

    private static async Task<IResult> ListAsync(
        CommandWriter writer,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var providers = await writer.ReadAsync(
            state => state.Providers.Active.Select(p => ProviderStatusResponse.From(p, now)).ToList(),
            cancellationToken);

        return Results.Json(new ProviderListResponse(now, providers), ApiJson.Responses);
    }
}

/// <summary>The answer of <c>GET /v1/providers</c>.</summary>
public sealed record ProviderListResponse(DateTimeOffset AsOf, IReadOnlyList<ProviderStatusResponse> Providers);

/// <summary>
/// One polled provider instance: its configuration (the credential by variable name only) and its health.
/// </summary>
/// <param name="Status">pending, ok, degraded, stale or unknown.</param>
/// <param name="StatusReason">Why it is not ok, in words; null when it is.</param>
public sealed record ProviderStatusResponse(
    string ProviderId,
    string Kind,
    string Family,
    string IdentityId,
    string Endpoint,
    string? CredentialEnv,
    double IntervalS,
    double StaleAfterS,
    double UnknownAfterS,
    string Status,
    string? StatusReason,
    DateTimeOffset ConfiguredAt,
    DateTimeOffset? LastPollAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastErrorAt,
    ProviderErrorResponse? LastError,
    int ConsecutiveFailures,
    DateTimeOffset? NextPollAt,
    long Polls,
    long Errors,
    IReadOnlyList<string> Pools)
{
    /// <summary>The instance as it stands at <paramref name="now"/>.</summary>
    public static ProviderStatusResponse From(ProviderRecord provider, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(provider);

        var configuration = provider.Configuration;
        var health = provider.HealthAt(now);

        return new ProviderStatusResponse(
            provider.ProviderId,
            configuration.Kind,
            configuration.Family,
            configuration.IdentityId,
            configuration.Endpoint,
            configuration.CredentialEnv,
            configuration.IntervalSeconds,
            configuration.StaleAfterSeconds,
            configuration.UnknownAfterSeconds,
            health.Status.ToString().ToLowerInvariant(),
            health.Reason,
            provider.ConfiguredAt,
            provider.LastPollAt,
            provider.LastSuccessAt,
            provider.LastErrorAt,
            provider.LastError is { } error ? ProviderErrorResponse.From(error) : null,
            provider.ConsecutiveFailures,
            provider.NextPollAt,
            provider.Polls,
            provider.Errors,
            [.. provider.Pools.Select(p => p.ToString())]);
    }
}

/// <summary>Why a poll failed.</summary>
/// <param name="Kind">timeout, unreachable, auth, 429, 5xx, http_status or parse.</param>
public sealed record ProviderErrorResponse(string Kind, int? Status, string Message, double? RetryAfterS)
{
    /// <summary>The error as recorded.</summary>
    public static ProviderErrorResponse From(ProviderError error)
    {
        ArgumentNullException.ThrowIfNull(error);

        return new ProviderErrorResponse(error.Kind, error.Status, error.Message, error.RetryAfterSeconds);
    }
}

/// <summary>
/// A limit learned from repeated unexplained throttling: at most <c>max_intents</c> intents of the
/// identity (and workload, unless it is <c>sentinel:unspecified</c>) start in any <c>window_s</c>.
/// </summary>
public sealed record LearnedLimitResponse(
    string Provider,
    string IdentityId,
    string WorkloadId,
    int MaxIntents,
    double WindowS,
    int Evidence,
    DateTimeOffset RecordedAt,
    DateTimeOffset ExpiresAt,
    string Reason)
{
    /// <summary>The limit as projected.</summary>
    public static LearnedLimitResponse From(LearnedLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);

        return new LearnedLimitResponse(
            limit.Provider,
            limit.IdentityId,
            limit.WorkloadId,
            limit.MaxIntents,
            limit.WindowSeconds,
            limit.Evidence,
            limit.RecordedAt,
            limit.ExpiresAt,
            limit.Reason);
    }
}
