namespace Ratelord.Sdk;

/// <summary>
/// The machine-readable reasons a <see cref="Decision"/> can carry. The daemon's codes are never renamed, so agents
/// may branch on them; a daemon may add new ones, which an agent should treat like a deny it does not understand.
/// </summary>
public static class DecisionReasons
{
    /// <summary>The SDK could not reach the daemon and, failing closed, denied the intent.</summary>
    public const string DaemonUnreachable = "daemon_unreachable";

    /// <summary>The SDK could not reach the daemon and, configured to fail open, approved the intent.</summary>
    public const string DaemonUnreachableFailOpen = "daemon_unreachable_fail_open";

    /// <summary>
    /// A rate limiter's synchronous <c>AttemptAcquire</c> cannot ask Ratelord, so it never acquires: the SDK denied the
    /// lease itself, and <c>AcquireAsync</c> asks.
    /// </summary>
    public const string AcquireAsyncRequired = "acquire_async_required";

    /// <summary>A pool the intent draws from has no room before its reset.</summary>
    public const string PoolExhausted = "pool_exhausted";

    /// <summary>A pool ran out and its reset time is not known.</summary>
    public const string ResetUnknown = "reset_unknown";

    /// <summary>The wait needed is longer than the intent's <see cref="Intent.MaxWait"/>.</summary>
    public const string WaitExceedsMaxWait = "wait_exceeds_max_wait";

    /// <summary>The identity is not registered with the daemon.</summary>
    public const string UnknownIdentity = "unknown_identity";

    /// <summary>The identity was deleted.</summary>
    public const string IdentityDeleted = "identity_deleted";

    /// <summary>The expected cost is more than the pool's whole capacity; no wait can help.</summary>
    public const string CostExceedsPoolLimit = "cost_exceeds_pool_limit";

    /// <summary>No reading has described the pool yet and its one probe is still in flight.</summary>
    public const string PoolUnobserved = "pool_unobserved";

    /// <summary>The provider itself throttled the pool (a 429 or a Retry-After).</summary>
    public const string ProviderThrottled = "provider_throttled";

    /// <summary>Every window the daemon may plan into is already full.</summary>
    public const string FutureWindowsFull = "future_windows_full";
}
