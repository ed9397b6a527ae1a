namespace Ratelord.Core.Domain;

/// <summary>Machine-readable reasons a decision gives. Never renamed: agents branch on them.</summary>
public static class ReasonCodes
{
    public const string PoolExhausted = "pool_exhausted";
    public const string ResetUnknown = "reset_unknown";
    public const string WaitTooLong = "wait_exceeds_max_wait";
    public const string UnknownIdentity = "unknown_identity";
    public const string IdentityDeleted = "identity_deleted";
    public const string CostExceedsLimit = "cost_exceeds_pool_limit";
    public const string PoolUnobserved = "pool_unobserved";
    public const string ProviderThrottled = "provider_throttled";
    public const string WindowsFull = "future_windows_full";
}
