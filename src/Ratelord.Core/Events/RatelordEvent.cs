using System.Text.Json;
using Ratelord.Core.Domain;
using Ratelord.Core.Forecasting;

namespace Ratelord.Core.Events;

/// <summary>
/// The closed set of facts Ratelord records. Each type has a stable wire name and a schema
/// version; renaming either breaks every log already written.
/// </summary>
public abstract record RatelordEvent
{
    private protected RatelordEvent()
    {
    }
}

/// <summary>The daemon started on this log.</summary>
public sealed record SystemStarted(string Version, string Store) : RatelordEvent
{
    public const string Name = "system_started";
}

/// <summary>A credential became known, by reference only: no secret is ever part of it.</summary>
public sealed record IdentityRegistered(
    string IdentityId,
    string Kind,
    string Provider,
    IReadOnlyList<SharedPool> SharedPools,
    IReadOnlyDictionary<string, string> Metadata) : RatelordEvent
{
    public const string Name = "identity_registered";
}

/// <summary>Declares that an identity's pool is one counter shared with others under a shared key.</summary>
public sealed record SharedPool(string Pool, string SharedKey);

/// <summary>A credential was removed; intents for it are refused from here on.</summary>
public sealed record IdentityDeleted(string IdentityId) : RatelordEvent
{
    public const string Name = "identity_deleted";
}

/// <summary>
/// A provider response was read, from a poll, an agent's outcome or <c>/v1/observations</c>. The
/// envelope's event time is the response's <c>Date</c>; resets are relative to it.
/// </summary>
public sealed record ProviderObserved(
    string Provider,
    string IdentityId,
    string Family,
    int Status,
    bool Limited,
    double? RetryAfterSeconds,
    double? RetryAfterMinSeconds,
    IReadOnlyList<PoolObservation> Pools,
    Guid? IntentId) : RatelordEvent
{
    public const string Name = "provider_observation";
}

/// <summary>One pool's reading inside an observation, already resolved to the pool's owner.</summary>
public sealed record PoolObservation(
    string Pool,
    string Owner,
    double? Limit,
    double? Remaining,
    double? Used,
    double? ResetInSeconds,
    double? WindowSeconds);

/// <summary>An agent asked to act.</summary>
public sealed record IntentSubmitted(
    Guid IntentId,
    Urgency Urgency,
    double? ExpectedCost,
    double? DurationHintSeconds,
    double? MaxWaitSeconds,
    JsonElement? ClientContext,
    IReadOnlyList<AgentLabel>? Labels = null) : RatelordEvent
{
    public const string Name = "intent_submitted";
}

/// <summary>The daemon answered an intent. An approval reserves its cost until settled or expired.</summary>
public sealed record IntentDecided(
    Guid IntentId,
    Verdict Verdict,
    double? WaitSeconds,
    DateTimeOffset? DeferUntil,
    string? IdentitySwitch,
    string? Reason,
    double? RetryAfterSeconds,
    DateTimeOffset? ValidUntil,
    IReadOnlyList<Reservation> Reservations,
    string? TightestPool,
    string RiskSummary,
    string PolicyVersion,
    IReadOnlyList<string> RulesFired,
    IReadOnlyList<BudgetCharge>? BudgetHolds = null) : RatelordEvent
{
    public const string Name = "intent_decided";
}

/// <summary>Capacity held for an approved intent, counted from <paramref name="EffectiveFrom"/>.</summary>
/// <param name="Pool">The pool held.</param>
/// <param name="Amount">How much is held.</param>
/// <param name="EffectiveFrom">When the approved call may start: now, or after its wait.</param>
/// <param name="ScalesWithCost">True when the pool is charged the intent's actual cost at settlement.</param>
public sealed record Reservation(PoolKey Pool, double Amount, DateTimeOffset EffectiveFrom, bool ScalesWithCost);

/// <summary>How an approved intent ended: what it really cost, or that its approval lapsed.</summary>
/// <remarks>
/// <see cref="Charges"/> lists what to take off pools whose provider reading did not come with the
/// outcome; a pool that a reading covered already counts the call.
/// </remarks>
public sealed record IntentSettled(
    Guid IntentId,
    string Outcome,
    double? ActualCost,
    int? ResponseStatus,
    IReadOnlyList<PoolCharge> Charges,
    IReadOnlyList<BudgetCharge>? BudgetCharges = null) : RatelordEvent
{
    public const string Name = "intent_settled";
}

/// <summary>Money held or spent against one window of a budget, in micro-USD.</summary>
public sealed record BudgetCharge(string BudgetId, DateTimeOffset WindowStart, double MicroUsd);

/// <summary>A label the agent gave itself on an intent, readable by policies as <c>agent.labels.key</c>.</summary>
public sealed record AgentLabel(string Key, string Value);

/// <summary>A new policy took effect for the next intent.</summary>
public sealed record PolicyUpdated(string Version, string Source, int PolicyCount, int RuleCount, int WorkloadCount)
    : RatelordEvent
{
    public const string Name = "policy_updated";
}

/// <summary>A policy file was refused; the policy in force did not change.</summary>
public sealed record PolicyRejected(string Source, string AttemptedVersion, string ActiveVersion, IReadOnlyList<string> Errors)
    : RatelordEvent
{
    public const string Name = "policy_rejected";
}

/// <summary>Consumption to count against a pool that no reading has shown yet.</summary>
public sealed record PoolCharge(PoolKey Pool, double Amount);

/// <summary>A pool's forecast changed materially (status band, or time to exhaustion by a set fraction).</summary>
public sealed record ForecastComputed(PoolKey Pool, PoolForecast Forecast) : RatelordEvent
{
    public const string Name = "forecast_computed";
}

/// <summary>A policy rule fired while an intent was decided.</summary>
public sealed record PolicyTriggered(Guid IntentId, string PolicyId, string Rule, string Action) : RatelordEvent
{
    public const string Name = "policy_triggered";
}

/// <summary>Outcome names of <see cref="IntentSettled"/>.</summary>
public static class SettlementOutcomes
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";

    public static bool IsKnown(string? outcome) =>
        outcome is Completed or Failed or Cancelled or Expired;
}
