using Ratelord.Core.Domain;
using Ratelord.Core.Providers;

namespace Ratelord.Core.Commands;

/// <summary>
/// Makes a provider instance known to the log as one the daemon now polls. Sent by the daemon for
/// each configured poller when it starts; the credential is named by its environment variable only.
/// </summary>
/// <param name="ProviderId">The instance's id, unique in the configuration.</param>
/// <param name="Kind">github, openai, anthropic or generic.</param>
/// <param name="Family">The format family to read its answers with, or <c>auto</c>.</param>
/// <param name="IdentityId">The identity whose pools the polls describe.</param>
/// <param name="Endpoint">Method and URL polled, without user information or query.</param>
/// <param name="IntervalSeconds">Time between two successful polls.</param>
/// <param name="MaxBackoffSeconds">The longest wait between two failed polls.</param>
/// <param name="StaleAfterSeconds">Age of a pool's last reading after which it is stale.</param>
/// <param name="UnknownAfterSeconds">Age of a pool's last reading after which its status is unknown.</param>
/// <param name="CredentialEnv">Name of the environment variable that holds the credential, if any.</param>
public sealed record ConfigureProvider(
    string ProviderId,
    string Kind,
    string Family,
    string IdentityId,
    string Endpoint,
    double IntervalSeconds,
    double MaxBackoffSeconds,
    double StaleAfterSeconds,
    double UnknownAfterSeconds,
    string? CredentialEnv) : RatelordCommand<bool>;

/// <summary>
/// The outcome of one poll of a configured provider instance: the answer it got, or why it got none.
/// </summary>
/// <param name="ProviderId">The polled instance.</param>
/// <param name="Response">
/// The provider's answer, with the credential already scrubbed from it; null when there was none.
/// </param>
/// <param name="FailureKind">
/// Why there is no answer: <c>timeout</c>, <c>unreachable</c> or <c>auth</c> (no credential to send).
/// </param>
/// <param name="FailureMessage">The same in words, for the operator.</param>
/// <param name="DurationSeconds">How long the request took.</param>
/// <param name="Jitter">
/// A random number in [0, 1] that spreads the backoff after a failure, drawn by the poller so the
/// decision itself stays a function of its inputs.
/// </param>
public sealed record RecordProviderPoll(
    string ProviderId,
    ProviderResponse? Response,
    string? FailureKind,
    string? FailureMessage,
    double DurationSeconds,
    double Jitter) : RatelordCommand<ProviderPollResult>;

/// <summary>What a poll taught, and when the next one is due.</summary>
/// <param name="ErrorKind">Null for a successful poll, else one of <see cref="Events.ProviderErrorKinds"/>.</param>
/// <param name="ErrorMessage">Why the poll failed, in words.</param>
/// <param name="NextPollAt">When to poll again, on the daemon's clock.</param>
/// <param name="Reading">The answer's reading, when there was an answer.</param>
/// <param name="UpdatedPools">The pools the answer described.</param>
public sealed record ProviderPollResult(
    string ProviderId,
    string? ErrorKind,
    string? ErrorMessage,
    DateTimeOffset NextPollAt,
    ProviderReading? Reading,
    IReadOnlyList<PoolKey> UpdatedPools);
