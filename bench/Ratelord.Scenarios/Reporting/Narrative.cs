namespace Ratelord.Scenarios.Reporting;

/// <summary>What happened in each scenario, in words, from its numbers.</summary>
public static class Narrative
{
    public static IReadOnlyList<string> Of(ScenarioResult result)
    {
        ArgumentNullException.ThrowIfNull(result);

        return [];
    }

    public static IReadOnlyList<string> Findings(IReadOnlyList<ScenarioResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);

        return [];
    }
}
