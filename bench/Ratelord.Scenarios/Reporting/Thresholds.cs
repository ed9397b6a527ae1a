using System.Globalization;
using Ratelord.Core.Domain;
using Ratelord.Scenarios.Scenarios;

namespace Ratelord.Scenarios.Reporting;

/// <summary>Every mode's metrics for one scenario.</summary>
/// <param name="Rows">
/// Without Ratelord, token bucket, Ratelord, and Ratelord with the built-in defaults when the scenario's policy
/// departs from them.
/// </param>
public sealed record ScenarioResult(ScenarioSpec Spec, IReadOnlyList<ScenarioMetrics> Rows)
{
    public ScenarioMetrics Of(ScenarioMode mode) => Rows.First(r => r.Mode == mode);

    /// <summary>The run with Ratelord and the scenario's own policy.</summary>
    public ScenarioMetrics Ratelord => Rows.First(r => r.Label == ScenarioRunner.LabelOf(ScenarioMode.Ratelord));

    /// <summary>The run with Ratelord and the built-in defaults, when the scenario's policy departs.</summary>
    public ScenarioMetrics? BuiltIn =>
        Rows.FirstOrDefault(r => r.Label == ScenarioRunner.LabelOf(ScenarioMode.Ratelord, builtInDefaults: true));
}

/// <summary>One line of the "done when", measured.</summary>
public sealed record ThresholdCheck(string Scenario, string Name, string Target, string Measured, bool Holds);

/// <summary>The thresholds Ratelord must meet in the scenarios, checked on the runs with Ratelord.</summary>
public static class Thresholds
{
    public const double MinQuotaUsed = 0.90;

    public const double MaxHighUrgencyP99Seconds = 1.0;

    public const double MinJain = 0.9;

    public static IReadOnlyList<ThresholdCheck> Check(ScenarioResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var spec = result.Spec;
        var m = result.Ratelord;
        var checks = new List<ThresholdCheck>
        {
            new(
                spec.Id,
                "provider 429s",
                "0",
                m.Provider429.ToString(CultureInfo.InvariantCulture),
                m.Provider429 == 0),
            new(
                spec.Id,
                "quota used where demand existed",
                $"≥ {MinQuotaUsed:P0}",
                m.CountedWindows == 0 ? "no window with demand pending throughout" : Format.Percent(m.QuotaUsed),
                m.CountedWindows > 0 && m.QuotaUsed >= MinQuotaUsed),
        };

        if (spec.Id == ScenarioCatalog.PriorityInversion.Id && m.Waits.TryGetValue(Urgency.High, out var high))
        {
            checks.Add(new(
                spec.Id,
                "high-urgency p99 wait",
                $"< {MaxHighUrgencyP99Seconds:0} s",
                Format.Seconds(high.P99Seconds),
                high.P99Seconds < MaxHighUrgencyP99Seconds));
        }

        if (spec.Id == ScenarioCatalog.NoisyNeighbour.Id)
        {
            checks.Add(new(
                spec.Id,
                "Jain's index among the equal agents",
                $"≥ {MinJain:0.0}",
                m.Jain.ToString("0.000", CultureInfo.InvariantCulture),
                m.Jain >= MinJain));
        }

        return checks;
    }
}

/// <summary>How numbers read in the report.</summary>
public static class Format
{
    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Seconds(double seconds) => seconds switch
    {
        < 10 => seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s",
        < 100 => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        _ => seconds.ToString("0", CultureInfo.InvariantCulture) + " s",
    };

    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
