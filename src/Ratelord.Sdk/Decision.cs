using System.Text.Json;

namespace Ratelord.Sdk;

/// <summary>The verdict of a decision.</summary>
public enum Verdict
{
    /// <summary>Go now.</summary>
    Approve,

    /// <summary>Go, after a wait, at a deferred time, or with another identity.</summary>
    ApproveWithModifications,

    /// <summary>Don't; the reason and the time a retry may succeed come with it.</summary>
    DenyWithReason,
}

/// <summary>
/// The daemon's answer to an intent. A deny is a value like any other decision, never an exception: branch on
/// <see cref="IsApproved"/> and, when denied, on <see cref="Reason"/> (see <see cref="DecisionReasons"/>).
/// </summary>
public sealed record Decision
{
    /// <summary>
    /// The intent's id in the daemon's log, used to report the outcome. <see cref="Guid.Empty"/> when the SDK made
    /// the decision itself (see <see cref="IsFallback"/>).
    /// </summary>
    public required Guid IntentId { get; init; }

    /// <summary>Approve, approve with modifications, or deny.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>How long to wait before calling, when the approval asks for a wait.</summary>
    public TimeSpan? Wait { get; init; }

    /// <summary>
    /// The daemon's time before which the call must not start, when the approval defers it. Clocks differ: the wait
    /// it means is <see cref="Delay"/>, measured from <see cref="EvaluatedAt"/>, not from the local clock.
    /// </summary>
    public DateTimeOffset? DeferUntil { get; init; }

    /// <summary>The identity to use instead of the one asked for, when the approval switches it.</summary>
    public string? IdentitySwitch { get; init; }

    /// <summary>
    /// Why the decision is not a plain approval: a machine-readable code from <see cref="DecisionReasons"/>.
    /// </summary>
    public string? Reason { get; init; }

    /// <summary>For a deny, how long until asking again may succeed; null when no retry time is known.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>When the approval lapses if the call has not started; the reservation is released then.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>The daemon's time of the evaluation (for a fallback decision, the local time it was made).</summary>
    public required DateTimeOffset EvaluatedAt { get; init; }

    /// <summary>A one-line, human-readable summary of the risk the daemon saw.</summary>
    public string? RiskSummary { get; init; }

    /// <summary>The pool closest to exhaustion among those the intent draws from.</summary>
    public string? TightestPool { get; init; }

    /// <summary>The version of the policy that decided.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>The evaluation trace, present only when the intent asked for <see cref="Intent.Debug"/>.</summary>
    public JsonElement? Trace { get; init; }

    /// <summary>True for an approval, with or without modifications.</summary>
    public bool IsApproved => Verdict != Verdict.DenyWithReason;

    /// <summary>
    /// True when the daemon could not be reached and the SDK decided by its failure mode; such a decision is in no
    /// log, and reporting its outcome does nothing.
    /// </summary>
    public bool IsFallback => IntentId == Guid.Empty;

    /// <summary>
    /// How long the agent must wait before calling: the longer of <see cref="Wait"/> and the deferral
    /// (<see cref="DeferUntil"/> minus <see cref="EvaluatedAt"/>), zero when neither is set.
    /// <see cref="RatelordClient.AskAsync"/> has already waited this long when it returns.
    /// </summary>
    public TimeSpan Delay
    {
        get
        {
            var wait = Wait ?? TimeSpan.Zero;
            var deferral = DeferUntil is { } until ? until - EvaluatedAt : TimeSpan.Zero;
            var delay = wait > deferral ? wait : deferral;

            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }
    }
}
