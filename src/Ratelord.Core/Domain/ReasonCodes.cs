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
    public const string PolicyDenied = "policy_denied";
    public const string BudgetExhausted = "budget_exhausted";
    public const string BudgetPaced = "budget_paced";
    public const string ShapedForRisk = "shaped_for_risk";
    public const string FairShareExceeded = "fair_share_exceeded";
    public const string DeferredByPolicy = "deferred_by_policy";
    public const string IdentitySwitched = "identity_switched";

    /// <summary>A limit learned from throttling that no header explained holds the intent back.</summary>
    public const string LearnedLimit = "learned_limit";
}
