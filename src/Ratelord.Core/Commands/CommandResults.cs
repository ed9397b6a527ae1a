using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Providers;

namespace Ratelord.Core.Commands;

/// <summary>The answer to an intent.</summary>
public sealed record IntentDecisionResult(
    Guid IntentId,
    Verdict Verdict,
    double? WaitSeconds,
    DateTimeOffset? DeferUntil,
    string? IdentitySwitch,
    string? Reason,
    double? RetryAfterSeconds,
    DateTimeOffset? ValidUntil,
    Evaluation Evaluation,
    DecisionTrace? Trace);

/// <summary>The whole evaluation of an intent, returned with <c>debug: true</c>.</summary>
public sealed record DecisionTrace(
    IReadOnlyList<PoolCheck> Pools,
    IReadOnlyList<Policies.RuleTrace> Rules,
    IReadOnlyList<Policies.BudgetStatus> Budgets);

/// <summary>What a decision was based on.</summary>
public sealed record Evaluation(
    DateTimeOffset AsOf,
    string RiskSummary,
    PoolCheck? TightestPool,
    string PolicyVersion,
    IReadOnlyList<string> RulesFired);

/// <summary>How one pool that the intent draws from stood when the intent was decided.</summary>
public sealed record PoolCheck(
    PoolKey Pool,
    double Cost,
    double? Limit,
    double? Remaining,
    double Reserved,
    DateTimeOffset? ResetAt,
    DateTimeOffset? EarliestStart,
    string? Blocker,
    PoolStatus Status,
    double? PExhaustion);

/// <summary>The answer to an outcome report.</summary>
public sealed record OutcomeResult(Guid IntentId, string Outcome, ProviderReading? Reading, IReadOnlyList<PoolKey> UpdatedPools);

/// <summary>The answer to an observation: the reading and the pools it updated.</summary>
public sealed record ObservationResult(ProviderReading Reading, IReadOnlyList<PoolKey> UpdatedPools);

/// <summary>Raised when a command cannot apply to the current state (not for denials, which are values).</summary>
public sealed class CommandRejectedException(string code, string message, string? field = null, int status = 409)
    : Exception(message)
{
    /// <summary>Machine-readable code, such as <c>intent_not_found</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The input field at fault, if one is.</summary>
    public string? Field { get; } = field;

    /// <summary>The HTTP status that fits the rejection.</summary>
    public int Status { get; } = status;
}
