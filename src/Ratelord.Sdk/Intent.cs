using System.Text.Json;

namespace Ratelord.Sdk;

/// <summary>How much an intent matters to its agent; the daemon serves high before normal before background.</summary>
public enum Urgency
{
    /// <summary>Ordinary work; the default.</summary>
    Normal = 0,

    /// <summary>Work a person or a deadline is waiting for.</summary>
    High = 1,

    /// <summary>Work that can yield to everything else.</summary>
    Background = 2,
}

/// <summary>
/// What an agent means to do before it calls an external API: who asks, which identity (credential) is charged,
/// what kind of work it is and where it applies.
/// </summary>
/// <param name="AgentId">Who asks, for example <c>crawler-01</c>.</param>
/// <param name="IdentityId">The registered identity the call is charged to, for example <c>pat:ci-bot</c>.</param>
/// <param name="WorkloadId">
/// What kind of work, for example <c>repo_read</c>; it maps to the pools it draws from.
/// </param>
/// <param name="ScopeId">Where it applies, for example <c>repo:acme/web</c>.</param>
public sealed record Intent(string AgentId, string IdentityId, string WorkloadId, string ScopeId)
{
    /// <summary>How much the intent matters. Defaults to <see cref="Sdk.Urgency.Normal"/>.</summary>
    public Urgency Urgency { get; init; } = Urgency.Normal;

    /// <summary>What the call is expected to cost in the pools it draws from; null lets the workload decide.</summary>
    public double? ExpectedCost { get; init; }

    /// <summary>How long the work is expected to take once started; it lengthens the approval's validity.</summary>
    public TimeSpan? DurationHint { get; init; }

    /// <summary>
    /// The longest wait the agent accepts; a decision that would wait longer is a deny with reason
    /// <c>wait_exceeds_max_wait</c>. <see cref="TimeSpan.Zero"/> means the agent cannot wait. Null accepts any wait.
    /// </summary>
    public TimeSpan? MaxWait { get; init; }

    /// <summary>Any JSON the agent wants recorded with the intent in the event log.</summary>
    public JsonElement? ClientContext { get; init; }

    /// <summary>Asks the daemon to return the trace of its evaluation in <see cref="Decision.Trace"/>.</summary>
    public bool Debug { get; init; }
}
