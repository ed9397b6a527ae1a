using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ratelord.Sdk.Wire;

// The daemon's JSON, as records named after its fields; snake_case comes from WireJsonContext. They are internal:
// the public types stay free to read well in C# while these follow the wire.

internal sealed record IntentRequest(
    string AgentId,
    string IdentityId,
    string WorkloadId,
    string ScopeId,
    string Urgency,
    double? ExpectedCost,
    double? DurationHint,
    double? MaxWaitSeconds,
    JsonElement? ClientContext,
    bool? Debug);

internal sealed record DecisionAnswer(
    Guid IntentId,
    string? Decision,
    ModificationsAnswer? Modifications,
    string? Reason,
    double? RetryAfterS,
    DateTimeOffset? ValidUntil,
    EvaluationAnswer? Evaluation,
    JsonElement? Trace);

internal sealed record ModificationsAnswer(double? WaitSeconds, DateTimeOffset? DeferUntil, string? IdentitySwitch);

// tightest_pool is the daemon's check of that pool (an object with its pool_id) and policy_version a string; both are
// read as any JSON so that a change of form does not make a whole decision unreadable.
internal sealed record EvaluationAnswer(
    DateTimeOffset? AsOf,
    string? RiskSummary,
    JsonElement? TightestPool,
    JsonElement? PolicyVersion);

internal sealed record OutcomeRequest(string Outcome, double? ActualCost, string? Provider, ResponseReport? Response);

internal sealed record ResponseReport(
    int Status,
    IReadOnlyList<string[]> Headers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? Body);

internal sealed record IdentityRequest(
    string IdentityId,
    string Kind,
    string Provider,
    IReadOnlyList<IdentityPoolRequest>? Pools,
    IReadOnlyDictionary<string, string>? Metadata);

internal sealed record IdentityPoolRequest(string Pool, string SharedKey);

internal sealed record HealthAnswer(string? Status, string? Version, double? UptimeS, long? LastPosition);

internal sealed record ProblemAnswer(
    int? Status,
    string? Title,
    string? Detail,
    string? Code,
    Dictionary<string, string[]>? Errors);
