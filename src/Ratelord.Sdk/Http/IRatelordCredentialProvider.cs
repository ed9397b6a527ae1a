namespace Ratelord.Sdk.Http;

/// <summary>
/// Puts the credential of an identity on a request. The HttpClient handler calls it before every call with the
/// identity the call is charged to, which is the one Ratelord switched to when its decision switched identities.
/// Ratelord only ever sees the identity's id: the secret stays in the caller's process.
/// </summary>
public interface IRatelordCredentialProvider
{
    /// <summary>Sets the request's credential (for example its <c>Authorization</c> header) for an identity.</summary>
    /// <param name="identityId">The identity the call is charged to, for example <c>pat:ci-bot</c>.</param>
    /// <param name="request">The request about to be sent.</param>
    /// <param name="cancellationToken">Cancels the lookup; the call is then not made.</param>
    /// <returns>A task that completes once the credential is set.</returns>
    /// <exception cref="KeyNotFoundException">The provider has no credential for the identity.</exception>
    ValueTask ApplyAsync(string identityId, HttpRequestMessage request, CancellationToken cancellationToken);
}
