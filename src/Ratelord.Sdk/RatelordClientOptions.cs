namespace Ratelord.Sdk;

/// <summary>What the SDK does when the daemon cannot decide: it is down, too slow, or failing.</summary>
public enum FailureMode
{
    /// <summary>Deny with reason <c>daemon_unreachable</c>: no call goes out unchecked. The default.</summary>
    FailClosed = 0,

    /// <summary>
    /// Approve with reason <c>daemon_unreachable_fail_open</c>: calls go out unchecked while it is away.
    /// </summary>
    FailOpen = 1,
}

/// <summary>How a <see cref="RatelordClient"/> reaches the daemon and what it does when it cannot.</summary>
public sealed class RatelordClientOptions
{
    /// <summary>The daemon's address when none is set: its default loopback port.</summary>
    public static readonly Uri DefaultBaseAddress = new("http://127.0.0.1:8090/");

    /// <summary>The time allowed for one exchange with the daemon when none is set.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The longest <see cref="Timeout"/> accepted: a longer one would stall agents on a hung daemon.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The retry time of a fail-closed deny when none is set.</summary>
    public static readonly TimeSpan DefaultUnreachableRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The retries of one exchange when none is set.</summary>
    public const int DefaultMaxRetryAttempts = 3;

    /// <summary>The most retries accepted: more would only hold an agent longer on a daemon that is failing.</summary>
    public const int MaxMaxRetryAttempts = 10;

    /// <summary>The daemon's address. Default <c>http://127.0.0.1:8090/</c>.</summary>
    public Uri BaseAddress { get; set; } = DefaultBaseAddress;

    /// <summary>
    /// The time allowed for one exchange with the daemon, measured on the client's <see cref="TimeProvider"/>;
    /// past it the daemon counts as unreachable. Default 5 seconds, at most 5 minutes.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>What to decide when the daemon cannot. Default <see cref="FailureMode.FailClosed"/>.</summary>
    public FailureMode FailureMode { get; set; } = FailureMode.FailClosed;

    /// <summary>
    /// The <see cref="Decision.RetryAfter"/> of a fail-closed deny: how soon an agent should ask again while the
    /// daemon is away. Default 5 seconds.
    /// </summary>
    public TimeSpan UnreachableRetryAfter { get; set; } = DefaultUnreachableRetryAfter;

    /// <summary>
    /// How many times a client registered with <c>AddRatelordClient</c> retries an exchange that the daemon answered
    /// 503 (unavailable) or 429 (too many requests), with exponential backoff and jitter, honouring the daemon's
    /// <c>Retry-After</c>. All attempts together stay within <see cref="Timeout"/>; past it the failure mode
    /// decides. 0 turns retries off. Default 3, at most 10.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = DefaultMaxRetryAttempts;
}
