using Ratelord.Core.Domain;

namespace Ratelord.Scenarios.Scenarios;

/// <summary>How the agents of a scenario get from wanting a call to making it.</summary>
public enum ScenarioMode
{
    /// <summary>Agents call at will and back off on 429 for what <c>retry-after</c> says.</summary>
    WithoutRatelord,

    /// <summary>Agents share one client-side token bucket sized from the provider's documented limit.</summary>
    TokenBucket,

    /// <summary>Agents submit intents to Ratelord, obey its decisions and report every outcome.</summary>
    Ratelord,
}

/// <summary>When the agents of a group want to call.</summary>
public abstract record Demand
{
    private Demand()
    {
    }

    /// <summary>
    /// Every agent of the group wakes at the same instants (the start, then every period) wanting a batch of calls.
    /// </summary>
    public sealed record Herd(double EverySeconds, int CallsPerWake) : Demand;

    /// <summary>Each agent of the group wants calls at random instants, at a mean rate per second.</summary>
    public sealed record Poisson(double PerSecond) : Demand;
}

/// <summary>Agents that behave alike.</summary>
/// <param name="Equal">
/// True for the group whose agents are equal (same demand, same urgency); Jain's fairness index is taken
/// among them. At most one group of a scenario is.
/// </param>
public sealed record AgentGroup(string Prefix, int Agents, Urgency Urgency, Demand Demand, bool Equal = false)
{
    public string AgentId(int index) => $"{Prefix}-{index:00}";
}

/// <summary>A span of the run, in seconds from its start, during which the provider answers 5xx.</summary>
public readonly record struct OutageSpan(double FromSeconds, double UntilSeconds);

/// <summary>One scenario: the provider's limit, who wants what, and what goes wrong.</summary>
/// <param name="Setup">What is simulated, in a sentence or two, for the report.</param>
/// <param name="OutsideShare">
/// The share of the limit an outside consumer (one that does not use Ratelord) wants, calling at random
/// instants and backing off on 429 like an agent without Ratelord; 0 for none.
/// </param>
/// <param name="PolicyYaml">The policy file Ratelord runs with.</param>
/// <param name="PolicyNote">Why the policy departs from the defaults, when it does.</param>
public sealed record ScenarioSpec(
    string Id,
    string Title,
    string Setup,
    int Limit,
    TimeSpan Window,
    IReadOnlyList<AgentGroup> Groups,
    double OutsideShare,
    IReadOnlyList<OutageSpan> Outages,
    string PolicyYaml,
    string? PolicyNote = null)
{
    /// <summary>The agent ids of the equal group, for the fairness index.</summary>
    public IReadOnlyList<string> EqualAgents =>
        [.. Groups.Where(g => g.Equal).SelectMany(g => Enumerable.Range(0, g.Agents).Select(g.AgentId))];

    /// <summary>The urgencies some agent of the scenario asks with, most urgent first.</summary>
    public IReadOnlyList<Urgency> Urgencies =>
        [.. Groups.Select(g => g.Urgency).Distinct().OrderBy(u => u switch
        {
            Urgency.High => 0,
            Urgency.Normal => 1,
            _ => 2,
        })];
}
