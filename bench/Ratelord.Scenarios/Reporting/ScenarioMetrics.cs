using Ratelord.Core.Domain;
using Ratelord.Scenarios.Scenarios;
using Ratelord.Scenarios.Simulation;

namespace Ratelord.Scenarios.Reporting;

/// <summary>Waits of one urgency: from wanting a call to the call that was served.</summary>
/// <param name="Pending">Wants not served by the end of the run; each counts with its wait so far.</param>
public sealed record WaitStats(int Wants, int Pending, double P50Seconds, double P99Seconds);

/// <summary>How one group of agents fared.</summary>
public sealed record GroupStats(string Prefix, int Agents, int Wanted, int Served, double P99WaitSeconds)
{
    public double ServedShare => Wanted == 0 ? 1 : Served / (double)Wanted;
}

/// <summary>What one scenario measured in one mode.</summary>
/// <param name="Provider429">429s the provider answered to the agents.</param>
/// <param name="Outside429">429s the provider answered to the outside consumer.</param>
/// <param name="Provider5xx">5xx the provider answered to the agents.</param>
/// <param name="QuotaUsed">Calls served ÷ capacity, over the windows where demand was pending throughout.</param>
/// <param name="CountedWindows">How many windows <see cref="QuotaUsed"/> is taken over.</param>
/// <param name="Jain">Jain's fairness index of calls served among the equal agents.</param>
/// <param name="LargestShare">The largest share of the agents' served calls any one agent had.</param>
/// <param name="Label">How the report names the run: its mode, and its policy when not the scenario's own.</param>
public sealed record ScenarioMetrics(
    string Scenario,
    ScenarioMode Mode,
    string Label,
    int Wanted,
    int Served,
    int Provider429,
    int Outside429,
    int Provider5xx,
    double QuotaUsed,
    int CountedWindows,
    IReadOnlyDictionary<Urgency, WaitStats> Waits,
    double Jain,
    double LargestShare,
    IReadOnlyList<GroupStats> Groups,
    IReadOnlyDictionary<string, int> Decisions,
    IReadOnlyDictionary<string, int> ModificationReasons)
{
    /// <summary>Measures a run.</summary>
    /// <remarks>
    /// <para>
    /// Quota used: a provider window counts when, at every instant of it, some agent wanted a call it had
    /// not yet been served (a window where all demand was met before its end is not one where quota
    /// could have been used), and when the provider did not fail during it. Its capacity is the limit
    /// less what the outside consumer was served in it; its use is what the agents were served in it.
    /// </para>
    /// <para>
    /// Waits: a want still pending at the end counts with its wait so far (a lower bound), so a controller
    /// cannot look fast by starving a few. Percentiles are nearest-rank.
    /// </para>
    /// </remarks>
    public static ScenarioMetrics Measure(ScenarioRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var calls = run.Ledger.Calls;
        var agentCalls = calls.Where(c => !c.Outside).ToList();
        var served = run.Wants.Count(w => w.ServedAt is not null);
        var (used, windows) = QuotaUse(run);

        var waits = new Dictionary<Urgency, WaitStats>();
        foreach (var urgency in run.Spec.Urgencies)
        {
            var of = run.Wants.Where(w => w.Urgency == urgency).ToList();
            var sorted = of.Select(w => w.WaitSeconds(run.End)).Order().ToList();
            waits[urgency] = new WaitStats(
                of.Count,
                of.Count(w => w.ServedAt is null),
                Percentile(sorted, 0.50),
                Percentile(sorted, 0.99));
        }

        var perAgent = run.Wants
            .Where(w => w.ServedAt is not null)
            .GroupBy(w => w.AgentId)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var equal = run.Spec.EqualAgents.Select(a => (double)perAgent.GetValueOrDefault(a)).ToList();

        var groups = run.Spec.Groups
            .Select(g =>
            {
                var of = run.Wants.Where(w => w.AgentId.StartsWith(g.Prefix + "-", StringComparison.Ordinal)).ToList();
                var sorted = of.Select(w => w.WaitSeconds(run.End)).Order().ToList();

                var served = of.Count(w => w.ServedAt is not null);

                return new GroupStats(g.Prefix, g.Agents, of.Count, served, Percentile(sorted, 0.99));
            })
            .ToList();

        return new ScenarioMetrics(
            run.Spec.Id,
            run.Mode,
            run.Label,
            run.Wants.Count,
            served,
            agentCalls.Count(c => c.Status == 429),
            calls.Count(c => c.Outside && c.Status == 429),
            agentCalls.Count(c => c.Status >= 500),
            used,
            windows,
            waits,
            JainIndex(equal),
            served == 0 ? 0 : perAgent.Values.DefaultIfEmpty(0).Max() / (double)served,
            groups,
            run.Decisions,
            run.ModificationReasons);
    }

    /// <summary>(Σx)² / (n·Σx²): 1 when every agent got the same, 1/n when one got everything.</summary>
    public static double JainIndex(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sum = values.Sum();
        var squares = values.Sum(v => v * v);

        return values.Count == 0 || squares == 0 ? 1 : sum * sum / (values.Count * squares);
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static (double Used, int Windows) QuotaUse(ScenarioRun run)
    {
        var window = run.Spec.Window;
        var pending = PendingSpans(run);
        var calls = run.Ledger.Calls.Where(c => c.Status is >= 200 and < 300).ToList();
        double served = 0;
        double capacity = 0;
        var windows = 0;
        for (var from = run.Start; from + window <= run.End; from += window)
        {
            var until = from + window;
            if (run.Outages.Any(o => o.Overlaps(from, until)) || !pending.Any(p => p.From <= from && p.Until >= until))
            {
                continue;
            }

            var inWindow = calls.Where(c => c.At >= from && c.At < until).ToList();
            served += inWindow.Count(c => !c.Outside);
            capacity += run.Spec.Limit - inWindow.Count(c => c.Outside);
            windows++;
        }

        return (capacity <= 0 ? 0 : served / capacity, windows);
    }

    /// <summary>The spans during which at least one agent's want was pending, merged.</summary>
    private static List<(DateTimeOffset From, DateTimeOffset Until)> PendingSpans(ScenarioRun run)
    {
        var spans = new List<(DateTimeOffset From, DateTimeOffset Until)>();
        foreach (var want in run.Wants.OrderBy(w => w.WantedAt))
        {
            var until = want.ServedAt ?? run.End;
            if (spans.Count > 0 && want.WantedAt <= spans[^1].Until)
            {
                spans[^1] = (spans[^1].From, until > spans[^1].Until ? until : spans[^1].Until);
            }
            else
            {
                spans.Add((want.WantedAt, until));
            }
        }

        return spans;
    }
}
