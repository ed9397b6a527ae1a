using Ratelord.Scenarios.Simulation;

namespace Ratelord.Scenarios.Scenarios;

/// <summary>What one scenario did in one mode: every want and every call, for the metrics.</summary>
/// <param name="Label">How the report names the run: its mode, and its policy when not the scenario's own.</param>
public sealed record ScenarioRun(
    ScenarioSpec Spec,
    ScenarioMode Mode,
    string Label,
    int Seed,
    DateTimeOffset Start,
    TimeSpan Horizon,
    IReadOnlyList<Want> Wants,
    CallLedger Ledger,
    IReadOnlyList<Outage> Outages,
    IReadOnlyDictionary<string, int> Decisions,
    IReadOnlyDictionary<string, int> ModificationReasons)
{
    public DateTimeOffset End => Start + Horizon;
}
