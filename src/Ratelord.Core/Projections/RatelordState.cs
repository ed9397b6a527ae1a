using Ratelord.Core.Events;

namespace Ratelord.Core.Projections;

/// <summary>
/// Every projection, evolved by the same events in log order. Dropping it and replaying the log
/// rebuilds it exactly.
/// </summary>
public sealed class RatelordState
{
    public PoolPosture Pools { get; } = new();

    public IntentHistory Intents { get; } = new();

    public IdentityDirectory Identities { get; } = new();

    /// <summary>The provider instances the daemon polls, and how each stands.</summary>
    public ProviderDirectory Providers { get; } = new();

    /// <summary>Limits learned from throttling that no header explains.</summary>
    public LearnedLimits LearnedLimits { get; } = new();

    public BurnShares Burn { get; } = new();

    public BudgetLedger Budgets { get; } = new();

    /// <summary>Position of the last event applied; 0 for an empty log.</summary>
    public long Position { get; private set; }

    public long EventCount { get; private set; }

    /// <summary>Evolves every projection by one event.</summary>
    public void Apply(EventEnvelope envelope)
    {
        Identities.Apply(envelope);
        Intents.Apply(envelope);
        Pools.Apply(envelope);
        Providers.Apply(envelope);
        LearnedLimits.Apply(envelope);
        Burn.Apply(envelope);
        Budgets.Apply(envelope);
        Position = Math.Max(Position, envelope.Position);
        EventCount++;
    }

    /// <summary>Records the position a batch of already applied events was committed at.</summary>
    public void Committed(long position) => Position = Math.Max(Position, position);
}
