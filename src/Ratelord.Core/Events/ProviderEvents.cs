using Ratelord.Core.Domain;

namespace Ratelord.Core.Events;

/// <summary>
/// The daemon polls a provider instance, as its configuration described it when the daemon started.
/// Only the name of the environment variable that holds the credential is recorded, never its value.
/// </summary>
/// <param name="ProviderId">The instance's id from the configuration (<c>github-ci</c>).</param>
/// <param name="Kind">github, openai, anthropic or generic.</param>
/// <param name="Family">The format family its answers are read with, or <c>auto</c>.</param>
/// <param name="IdentityId">The identity whose pools the polls describe.</param>
/// <param name="Endpoint">Method and URL polled, without user information or query.</param>
/// <param name="IntervalSeconds">Time between two successful polls.</param>
/// <param name="MaxBackoffSeconds">The longest wait between two failed polls.</param>
/// <param name="StaleAfterSeconds">Age of a pool's last reading after which it is stale.</param>
/// <param name="UnknownAfterSeconds">Age of a pool's last reading after which its status is unknown.</param>
/// <param name="CredentialEnv">Name of the environment variable holding the credential, if any.</param>
public sealed record ProviderConfigured(
    string ProviderId,
    string Kind,
    string Family,
    string IdentityId,
    string Endpoint,
    double IntervalSeconds,
    double MaxBackoffSeconds,
    double StaleAfterSeconds,
    double UnknownAfterSeconds,
    string? CredentialEnv) : RatelordEvent
{
    /// <summary>The wire name of this event type.</summary>
    public const string Name = "provider_configured";
}

/// <summary>
/// A poll of a provider instance succeeded: its answer was read and the pools it describes updated
/// (by the <see cref="ProviderObserved"/> recorded just before). The event time is the answer's <c>Date</c>.
/// </summary>
/// <param name="Status">The answer's HTTP status.</param>
/// <param name="DurationSeconds">How long the request took.</param>
/// <param name="Pools">The pools the answer described.</param>
/// <param name="NextPollAt">When the next poll is due, on the daemon's clock.</param>
public sealed record ProviderPollObserved(
    string ProviderId,
    string IdentityId,
    string Family,
    int Status,
    double DurationSeconds,
    IReadOnlyList<PoolKey> Pools,
    DateTimeOffset NextPollAt) : RatelordEvent
{
    /// <summary>The wire name of this event type.</summary>
    public const string Name = "provider_poll_observed";
}

/// <summary>
/// A poll of a provider instance failed. A throttled poll (kind <c>429</c>) is a failure that still
/// teaches: its reading is recorded as a <see cref="ProviderObserved"/> before this event.
/// </summary>
/// <param name="Kind">One of <see cref="ProviderErrorKinds"/>.</param>
/// <param name="Status">The answer's HTTP status, when there was an answer.</param>
/// <param name="Message">What went wrong, in words; never holds the credential.</param>
/// <param name="RetryAfterSeconds">The wait the provider asked for, if it named one.</param>
/// <param name="ConsecutiveFailures">Failed polls in a row, this one included.</param>
/// <param name="Pools">The pools a throttled answer still described.</param>
/// <param name="NextPollAt">
/// When the next poll is due: after a backoff with jitter, never before the wait the provider asked for.
/// </param>
public sealed record ProviderError(
    string ProviderId,
    string IdentityId,
    string Kind,
    int? Status,
    string Message,
    double? RetryAfterSeconds,
    double DurationSeconds,
    int ConsecutiveFailures,
    IReadOnlyList<PoolKey> Pools,
    DateTimeOffset NextPollAt) : RatelordEvent
{
    /// <summary>The wire name of this event type.</summary>
    public const string Name = "provider_error";
}

/// <summary>
/// A provider throttled an identity while no pool it reported, and no pool known of that identity at
/// that provider, had run out: a limit that no header explains (GitHub's secondary limits, a bare 429).
/// </summary>
/// <param name="Provider">The provider that throttled.</param>
/// <param name="WorkloadId">
/// The workload of the call, or <see cref="Sentinels.Unspecified"/> when the throttle came from a poll
/// or an observation that names none.
/// </param>
/// <param name="Status">The throttled answer's HTTP status.</param>
/// <param name="RetryAfterSeconds">The wait the answer asked for, or its lower bound.</param>
/// <param name="IntentId">The intent whose call was throttled, when an agent reported it.</param>
public sealed record ThrottleUnexplained(
    string Provider,
    string IdentityId,
    string WorkloadId,
    int Status,
    double? RetryAfterSeconds,
    Guid? IntentId) : RatelordEvent
{
    /// <summary>The wire name of this event type.</summary>
    public const string Name = "provider_throttle_unexplained";
}

/// <summary>
/// Repeated unexplained throttling became a limit of its own: at most <paramref name="MaxIntents"/>
/// intents of the identity (and workload) may start in any <paramref name="WindowSeconds"/>, until
/// <paramref name="ExpiresAt"/>, when the evidence has aged out.
/// </summary>
/// <param name="WorkloadId">
/// The workload it holds for, or <see cref="Sentinels.Unspecified"/> for every workload of the identity.
/// </param>
/// <param name="Evidence">Unexplained throttles within the evidence window, the last one included.</param>
/// <param name="Reason">What the limit was learned from, in words.</param>
public sealed record LearnedLimitRecorded(
    string Provider,
    string IdentityId,
    string WorkloadId,
    int MaxIntents,
    double WindowSeconds,
    int Evidence,
    DateTimeOffset ExpiresAt,
    string Reason) : RatelordEvent
{
    /// <summary>The wire name of this event type.</summary>
    public const string Name = "learned_limit_recorded";
}

/// <summary>The kinds of <see cref="ProviderError"/>, by wire name.</summary>
public static class ProviderErrorKinds
{
    /// <summary>No answer within the poll's timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>No connection: refused, reset, name not resolved.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>The credential is missing, or the provider refused it (401, a 403 that is no rate limit).</summary>
    public const string Auth = "auth";

    /// <summary>The provider throttled the poll itself.</summary>
    public const string RateLimited = "429";

    /// <summary>The provider failed (a 5xx status).</summary>
    public const string ServerError = "5xx";

    /// <summary>Any other status that is no success: a wrong base URL, path or method.</summary>
    public const string UnexpectedStatus = "http_status";

    /// <summary>The answer was a success but said nothing readable about any pool.</summary>
    public const string Parse = "parse";

    /// <summary>The kinds a poller may report for a poll that got no answer to read.</summary>
    public static bool IsWithoutAnswer(string? kind) => kind is Timeout or Unreachable or Auth;
}
