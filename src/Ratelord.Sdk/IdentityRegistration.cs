namespace Ratelord.Sdk;

/// <summary>
/// A credential to register with the daemon. Only a reference is registered, never the secret itself.
/// </summary>
/// <param name="IdentityId">The identity's id, for example <c>pat:ci-bot</c>.</param>
/// <param name="Kind">What kind of credential it is, for example <c>pat</c> or <c>api_key</c>.</param>
/// <param name="Provider">The provider it is a credential for, for example <c>github</c>.</param>
public sealed record IdentityRegistration(string IdentityId, string Kind, string Provider)
{
    /// <summary>Pools this identity shares with other identities; sharing is explicit, never guessed.</summary>
    public IReadOnlyList<IdentityPool> Pools { get; init; } = [];

    /// <summary>Free-form labels recorded with the identity.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>A pool an identity draws from under a key it shares with other identities.</summary>
/// <param name="Pool">The pool's name, for example <c>core</c>.</param>
/// <param name="SharedKey">The key every identity sharing the pool names, for example <c>org:acme</c>.</param>
public sealed record IdentityPool(string Pool, string SharedKey);
