using System.Net.Http.Headers;

namespace Ratelord.Sdk.Http;

/// <summary>
/// Sets <c>Authorization: Bearer</c> from a token looked up by identity, for example in environment variables or a
/// secret store. The most common <see cref="IRatelordCredentialProvider"/>.
/// </summary>
/// <param name="tokenOf">Returns the token of an identity, or null when there is none.</param>
public sealed class BearerCredentialProvider(Func<string, string?> tokenOf) : IRatelordCredentialProvider
{
    private readonly Func<string, string?> _tokenOf = tokenOf ?? throw new ArgumentNullException(nameof(tokenOf));

    /// <inheritdoc />
    public ValueTask ApplyAsync(string identityId, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityId);
        ArgumentNullException.ThrowIfNull(request);
        var token = _tokenOf(identityId)
            ?? throw new KeyNotFoundException(
                $"No token is known for identity '{identityId}'; give the credential provider one for every identity "
                + "the daemon may switch a call to.");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        return ValueTask.CompletedTask;
    }
}
