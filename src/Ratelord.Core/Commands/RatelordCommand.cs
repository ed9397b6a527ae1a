using System.Text.Json;
using Mediator;
using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;
using Ratelord.Core.Providers;

namespace Ratelord.Core.Commands;

/// <summary>
/// The closed set of things that can change Ratelord's state. Each is decided against the current
/// projections by one writer, and answered only after its events are committed.
/// </summary>
public abstract record RatelordCommand
{
    private protected RatelordCommand()
    {
    }
}

/// <summary>A command that answers with <typeparamref name="TResult"/>.</summary>
public abstract record RatelordCommand<TResult> : RatelordCommand, ICommand<TResult>;

/// <summary>An agent asks to act.</summary>
/// <param name="MaxWaitSeconds">The longest wait the agent accepts; 0 means it cannot wait at all.</param>
/// <param name="Debug">Return the full evaluation trace with the decision.</param>
public sealed record SubmitIntent(
    string AgentId,
    string IdentityId,
    string WorkloadId,
    string ScopeId,
    Urgency Urgency,
    double? ExpectedCost,
    double? DurationHintSeconds,
    double? MaxWaitSeconds,
    JsonElement? ClientContext,
    bool Debug,
    IReadOnlyList<AgentLabel>? Labels = null) : RatelordCommand<IntentDecisionResult>;

/// <summary>An agent reports what its approved call really cost, and optionally the provider's response.</summary>
/// <param name="Family">The format family to read <paramref name="Response"/> with, or <c>auto</c>.</param>
public sealed record ReportOutcome(
    Guid IntentId,
    string Outcome,
    double? ActualCost,
    ProviderResponse? Response,
    string Family) : RatelordCommand<OutcomeResult>;

/// <summary>A provider response to learn from, from a poll or passed on by an agent.</summary>
/// <param name="Family">The format family to read it with, or <c>auto</c>.</param>
public sealed record RecordObservation(
    string Family,
    string IdentityId,
    ProviderResponse Response,
    string AgentId,
    string ScopeId) : RatelordCommand<ObservationResult>;

/// <summary>Makes a credential known, by reference only.</summary>
public sealed record RegisterIdentity(
    string IdentityId,
    string Kind,
    string Provider,
    IReadOnlyList<SharedPool> SharedPools,
    IReadOnlyDictionary<string, string> Metadata) : RatelordCommand<IdentityRecord>;

/// <summary>Removes a credential; later intents for it are refused.</summary>
public sealed record DeleteIdentity(string IdentityId) : RatelordCommand<bool>;

/// <summary>Releases the capacity of approvals whose validity has ended unsettled.</summary>
public sealed record ExpireApprovals : RatelordCommand<int>;

/// <summary>Records that the daemon started on this log.</summary>
public sealed record StartSystem(string Version, string Store) : RatelordCommand<long>;
