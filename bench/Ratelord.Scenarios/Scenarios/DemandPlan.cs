using Ratelord.Core.Domain;
using Ratelord.Scenarios.Simulation;

namespace Ratelord.Scenarios.Scenarios;

/// <summary>
/// The wants of one scenario over a horizon, drawn from the seed before any mode runs, so the three
/// modes face exactly the same demand.
/// </summary>
public static class DemandPlan
{
    /// <summary>The agent id of the consumer that does not use Ratelord.</summary>
    public const string OutsideAgentId = "outside";

    /// <summary>The agents' wants and the outside consumer's, each in the order they arise.</summary>
    public static (IReadOnlyList<Want> Agents, IReadOnlyList<Want> Outside) Draw(
        ScenarioSpec spec,
        DateTimeOffset start,
        TimeSpan horizon,
        Random random)
    {
        var planned = new List<(double At, string Agent, Urgency Urgency)>();
        foreach (var group in spec.Groups)
        {
            for (var i = 0; i < group.Agents; i++)
            {
                foreach (var at in Instants(group.Demand, horizon.TotalSeconds, random))
                {
                    planned.Add((at, group.AgentId(i), group.Urgency));
                }
            }
        }

        // Agents that want to call at the same instant (a herd) come in a random order, not by their names.
        var agents = planned
            .Select(p => (p.At, p.Agent, p.Urgency, Tie: random.Next()))
            .OrderBy(p => p.At)
            .ThenBy(p => p.Tie)
            .Select((p, id) => new Want(id, p.Agent, p.Urgency, start + TimeSpan.FromSeconds(p.At)))
            .ToList();

        var outside = new List<Want>();
        if (spec.OutsideShare > 0)
        {
            var rate = spec.OutsideShare * spec.Limit / spec.Window.TotalSeconds;
            foreach (var at in Instants(new Demand.Poisson(rate), horizon.TotalSeconds, random))
            {
                var wantedAt = start + TimeSpan.FromSeconds(at);
                outside.Add(new Want(-1 - outside.Count, OutsideAgentId, Urgency.Normal, wantedAt, outside: true));
            }
        }

        return (agents, outside);
    }

    private static IEnumerable<double> Instants(Demand demand, double horizonSeconds, Random random)
    {
        switch (demand)
        {
            case Demand.Herd herd:
                for (var at = 0.0; at < horizonSeconds; at += herd.EverySeconds)
                {
                    for (var k = 0; k < herd.CallsPerWake; k++)
                    {
                        yield return at;
                    }
                }

                break;
            case Demand.Poisson poisson:
                for (var at = Gap(poisson.PerSecond, random); at < horizonSeconds; at += Gap(poisson.PerSecond, random))
                {
                    yield return at;
                }

                break;
        }
    }

    private static double Gap(double perSecond, Random random) => -Math.Log(1 - random.NextDouble()) / perSecond;
}
