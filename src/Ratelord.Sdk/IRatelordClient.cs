namespace Ratelord.Sdk;

/// <summary>
/// What an agent asks Ratelord and tells it: the daemon over HTTP (<see cref="RatelordClient"/>) or the same
/// engine in the process (<see cref="Embedded.EmbeddedRatelordClient"/>). The HttpClient handler, the rate limiters
/// and <see cref="RatelordClientExtensions.AcquireAsync"/> work over either.
/// </summary>
/// <remarks>A deny is a value (<see cref="Decision.IsApproved"/> is false), never an exception.</remarks>
public interface IRatelordClient
{
    /// <summary>
    /// Asks about an intent and, when the approval asks for a wait or a deferral, waits it out before returning, so
    /// that an approved decision means "call now".
    /// </summary>
    /// <param name="intent">What the agent means to do.</param>
    /// <param name="cancellationToken">Cancels the question and the wait.</param>
    /// <returns>The decision; <see cref="Decision.IsApproved"/> says whether to call.</returns>
    /// <exception cref="RatelordRequestException">The intent was refused as malformed.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    Task<Decision> AskAsync(Intent intent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks about an intent and returns the decision at once, without waiting: the caller must honour
    /// <see cref="Decision.Delay"/> itself.
    /// </summary>
    /// <param name="intent">What the agent means to do.</param>
    /// <param name="cancellationToken">Cancels the question.</param>
    /// <returns>The decision, with the delay still to honour.</returns>
    /// <exception cref="RatelordRequestException">The intent was refused as malformed.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    Task<Decision> NegotiateAsync(Intent intent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reports what an approved call did, so the reservation is settled and the provider's counters are read from
    /// the response. Does nothing for a fallback decision (<see cref="Decision.IsFallback"/>).
    /// </summary>
    /// <param name="intentId">The <see cref="Decision.IntentId"/> of the approval.</param>
    /// <param name="outcome">How the call ended, what it cost, and the provider's response.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <exception cref="ArgumentException">The outcome has headers or a body but no status.</exception>
    /// <exception cref="RatelordRequestException">
    /// The report was refused: the intent is unknown (404), or already settled or denied (409).
    /// </exception>
    Task ReportOutcomeAsync(Guid intentId, Outcome outcome, CancellationToken cancellationToken = default);

    /// <summary>Registers an identity (a reference to a credential, never the secret).</summary>
    /// <param name="registration">The identity.</param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    /// <returns>
    /// True when it was registered; false when an identity with that id was already registered, which is kept.
    /// </returns>
    /// <exception cref="RatelordRequestException">The registration was refused as malformed.</exception>
    /// <exception cref="RatelordUnavailableException">The daemon could not be reached or failed.</exception>
    Task<bool> RegisterIdentityAsync(IdentityRegistration registration, CancellationToken cancellationToken = default);
}
