using Ratelord.Scenarios.Simulation;

namespace Ratelord.Scenarios.Clients;

/// <summary>What every client of a run shares: the clock, the provider, the ledger, a seeded random source.</summary>
public sealed class ClientContext(VirtualClock clock, SimulatedGitHub provider, CallLedger ledger, Random random)
{
    /// <summary>Shortest network round trip of a call, in seconds.</summary>
    public const double MinLatencySeconds = 0.08;

    /// <summary>Longest network round trip of a call, in seconds.</summary>
    public const double MaxLatencySeconds = 0.25;

    public VirtualClock Clock { get; } = clock;

    public SimulatedGitHub Provider { get; } = provider;

    public CallLedger Ledger { get; } = ledger;

    public Random Random { get; } = random;

    /// <summary>A round trip: the provider counts the call when it is made; the answer comes this later.</summary>
    public double Latency() => MinLatencySeconds + (Random.NextDouble() * (MaxLatencySeconds - MinLatencySeconds));
}
