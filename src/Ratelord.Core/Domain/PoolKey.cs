namespace Ratelord.Core.Domain;

/// <summary>
/// Names one real consumption pool: the provider, the pool's name within it and the owner whose
/// counter it is (an identity id, or a shared key that several identities were registered to share).
/// </summary>
public sealed record PoolKey(string Provider, string Pool, string Owner) : IComparable<PoolKey>
{
    /// <summary>The key as one string, <c>provider/pool@owner</c>, used in the API and the log.</summary>
    public override string ToString() => $"{Provider}/{Pool}@{Owner}";

    public int CompareTo(PoolKey? other) =>
        other is null ? 1 : string.CompareOrdinal(ToString(), other.ToString());
}
