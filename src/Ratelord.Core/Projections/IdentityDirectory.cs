using Ratelord.Core.Events;

namespace Ratelord.Core.Projections;

/// <summary>A registered credential, by reference.</summary>
public sealed record IdentityRecord(
    string IdentityId,
    string Kind,
    string Provider,
    IReadOnlyList<SharedPool> SharedPools,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset RegisteredAt)
{
    /// <summary>The owner of this identity's pool of the given name: its shared key, or the identity itself.</summary>
    public string OwnerOf(string pool) =>
        SharedPools.FirstOrDefault(s => s.Pool == pool)?.SharedKey ?? IdentityId;
}

/// <summary>Projection of the identities currently registered.</summary>
public sealed class IdentityDirectory
{
    private readonly Dictionary<string, IdentityRecord> _identities = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);

    public IEnumerable<IdentityRecord> All => _identities.Values;

    public IdentityRecord? Find(string identityId) => _identities.GetValueOrDefault(identityId);

    public bool WasDeleted(string identityId) => _deleted.Contains(identityId);

    internal void Apply(EventEnvelope envelope)
    {
        switch (envelope.Payload)
        {
            case IdentityRegistered registered:
                _identities[registered.IdentityId] = new IdentityRecord(
                    registered.IdentityId,
                    registered.Kind,
                    registered.Provider,
                    registered.SharedPools,
                    registered.Metadata,
                    envelope.EventTime);
                _deleted.Remove(registered.IdentityId);
                break;
            case IdentityDeleted deleted:
                _identities.Remove(deleted.IdentityId);
                _deleted.Add(deleted.IdentityId);
                break;
        }
    }
}
