using System.Globalization;
using System.Text;
using Ratelord.Core.Domain;
using Ratelord.Scenarios.Clients;
using Ratelord.Scenarios.Scenarios;

namespace Ratelord.Scenarios.Reporting;

/// <summary>Runs every scenario in every mode and writes the tables and the report.</summary>
public static class ScenarioReport
{
    public const string Command = "dotnet run -c Release --project bench/Ratelord.Scenarios";

    /// <summary>
    /// The three modes, then Ratelord with the built-in defaults when the scenario's policy departs from them.
    /// </summary>
    public static ScenarioResult Run(ScenarioSpec spec, int seed, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var rows = Enum.GetValues<ScenarioMode>()
            .Select(mode => ScenarioMetrics.Measure(ScenarioRunner.Run(spec, mode, seed, horizon)))
            .ToList();
        if (spec.PolicyNote is not null)
        {
            rows.Add(ScenarioMetrics.Measure(
                ScenarioRunner.Run(spec, ScenarioMode.Ratelord, seed, horizon, builtInDefaults: true)));
        }

        return new ScenarioResult(spec, rows);
    }

    /// <summary>The threshold table and every scenario's table, for the console.</summary>
    public static string Tables(IReadOnlyList<ScenarioResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var text = new StringBuilder();
        text.AppendLine(ThresholdTable(results));
        foreach (var result in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{result.Spec.Title}");
            text.AppendLine();
            text.AppendLine(Table(result));
        }

        return text.ToString();
    }

    /// <summary>The whole report, as <c>docs/scenarios.md</c> holds it.</summary>
    public static string Markdown(IReadOnlyList<ScenarioResult> results, int seed, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(results);
        var minutes = horizon.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine("# Scenarios");
        text.AppendLine();
        text.AppendLine(
            "A deterministic simulation of agents sharing one GitHub-style pool, each scenario run three ways: "
            + "without Ratelord, with a plain client-side token bucket, and with Ratelord. This file is written by");
        text.AppendLine();
        text.AppendLine("```sh");
        text.AppendLine(CultureInfo.InvariantCulture, $"{Command}");
        text.AppendLine("```");
        text.AppendLine();
        var seedText = seed.ToString(CultureInfo.InvariantCulture);
        text.AppendLine(
            "with seed **" + seedText + "** and **" + minutes + " minutes** of virtual time per scenario "
            + "(`-- --seed N --minutes M --out PATH` change them). The same seed writes the same file. The tests in "
            + "`tests/Ratelord.Tests/Scenarios/` run the same scenarios with the default seed and horizon and "
            + "assert the thresholds.");
        text.AppendLine();
        text.AppendLine("## Thresholds");
        text.AppendLine();
        text.AppendLine("Measured on the runs with Ratelord and each scenario's policy.");
        text.AppendLine();
        text.AppendLine(ThresholdTable(results));
        text.AppendLine(Simulation);
        text.AppendLine(Measures);
        foreach (var result in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"## {result.Spec.Title}");
            text.AppendLine();
            text.AppendLine(result.Spec.Setup);
            text.AppendLine();
            if (result.Spec.PolicyNote is { } note)
            {
                text.AppendLine("Policy:");
                text.AppendLine();
                text.AppendLine("```yaml");
                text.AppendLine(result.Spec.PolicyYaml);
                text.AppendLine("```");
                text.AppendLine();
                text.AppendLine(note);
                text.AppendLine();
            }

            text.AppendLine(Table(result));
            foreach (var paragraph in Narrative.Of(result))
            {
                text.AppendLine(paragraph);
                text.AppendLine();
            }
        }

        var findings = Narrative.Findings(results);
        if (findings.Count > 0)
        {
            text.AppendLine("## What the scenarios found in the engine");
            text.AppendLine();
            foreach (var paragraph in findings)
            {
                text.AppendLine(paragraph);
                text.AppendLine();
            }
        }

        return text.ToString().TrimEnd() + "\n";
    }

    private static string ThresholdTable(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | threshold | target | measured | holds |");
        text.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var check in results.SelectMany(Thresholds.Check))
        {
            var holds = check.Holds ? "yes" : "**no**";
            text.AppendLine(
                CultureInfo.InvariantCulture,
                $"| {check.Scenario} | {check.Name} | {check.Target} | {check.Measured} | {holds} |");
        }

        return text.ToString();
    }

    private static string Table(ScenarioResult result)
    {
        var spec = result.Spec;
        var outside = spec.OutsideShare > 0;
        var failing = spec.Outages.Count > 0;
        var groups = spec.Groups.Count > 1;
        var header = new List<string> { "mode", "provider 429s" };
        if (outside)
        {
            header.Add("429s to the outside consumer");
        }

        if (failing)
        {
            header.Add("5xx");
        }

        header.Add("quota used (windows)");
        header.AddRange(spec.Urgencies.Select(u => $"wait p50 / p99, {WireNames.Of(u)}"));
        header.Add("Jain, equal agents");
        header.Add("served / wanted");
        if (groups)
        {
            header.AddRange(spec.Groups.Select(g => $"served, {g.Prefix}"));
        }

        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select(_ => " --- |")));
        foreach (var m in result.Rows)
        {
            var cells = new List<string> { m.Label, Format.Count(m.Provider429) };
            if (outside)
            {
                cells.Add(Format.Count(m.Outside429));
            }

            if (failing)
            {
                cells.Add(Format.Count(m.Provider5xx));
            }

            cells.Add(m.CountedWindows == 0
                ? "no window"
                : $"{Format.Percent(m.QuotaUsed)} ({m.CountedWindows.ToString(CultureInfo.InvariantCulture)})");
            cells.AddRange(spec.Urgencies.Select(u => m.Waits.TryGetValue(u, out var w)
                ? $"{Format.Seconds(w.P50Seconds)} / {Format.Seconds(w.P99Seconds)}"
                : "-"));
            cells.Add(m.Jain.ToString("0.000", CultureInfo.InvariantCulture));
            cells.Add($"{Format.Count(m.Served)} / {Format.Count(m.Wanted)}");
            if (groups)
            {
                cells.AddRange(m.Groups.Select(g => Format.Percent(g.ServedShare)));
            }

            text.AppendLine("| " + string.Join(" | ", cells) + " |");
        }

        return text.ToString();
    }

    private static readonly string Simulation = $"""
        ## The simulation

        - **Time** is virtual: a discrete-event agenda runs every action in the order of its instant, ties in the
          order they were scheduled. Nothing sleeps and nothing reads the machine's clock; demand, network
          latency, backoff jitter and the engine's intent ids all come from `System.Random` streams seeded from
          the seed and the scenario, so a run is a function of its seed.
        - **The provider** is one credential's GitHub `core` pool, in process: {ScenarioCatalog.Limit} calls per
          fixed {ScenarioCatalog.Window.TotalSeconds:0}-second window (windows aligned to the epoch), counted when
          the call is made, answered {ClientContext.MinLatencySeconds * 1000:0} to
          {ClientContext.MaxLatencySeconds * 1000:0} ms later. Every answer carries GitHub's headers: `date` (whole
          seconds), `x-ratelimit-limit`, `-remaining`, `-used`, `-reset` (epoch seconds) and `-resource`. Past the
          limit it answers 429 with `retry-after` (seconds to the window's end, rounded up). During an outage it
          answers 503 with only a `date`, as a proxy in front of a failing API does, and does not count the call.
        - **A want** is one call an agent wants to make, from the instant it wants it until a call for it is
          answered 2xx; retries belong to the same want. Agents handle their wants concurrently.
        - **Without Ratelord** an agent calls at once; after a 429 it waits `retry-after`, then calls again.
        - **Token bucket**: one bucket that all agents share, as a process-wide `TokenBucketRateLimiter` would be,
          sized from the documented limit: {ScenarioCatalog.Limit / ScenarioCatalog.Window.TotalSeconds:0} tokens
          a second, holding one second's tokens, callers queued oldest first. Refills are computed from virtual
          time: the framework's `TokenBucketRateLimiter` cannot run on a virtual clock (with
          `AutoReplenishment = false`, `TryReplenish` still adds tokens for the real time elapsed on `Stopwatch`,
          and it takes no `TimeProvider`), so `VirtualTokenBucket` reproduces its semantics and the clock adds
          one period's tokens every second. After a 429 the agent waits `retry-after` and queues again.
        - **Ratelord**: the engine itself (`RatelordEngine.Execute`, the daemon's deciders in memory) with the
          scenario's policy and the identity `{RatelordClient.IdentityId}` registered. An agent submits
          `SubmitIntent` when it wants a call and obeys the decision: `wait_seconds` or `defer_until` schedule the
          call, a refusal asks again after `retry_after_s` ({RatelordClient.DefaultRetrySeconds:0} s when none is
          given). It calls at the time it was given and reports `ReportOutcome` with the provider's status and
          headers (`completed`, cost 1; or `failed`, cost 0), so the engine learns from GitHub-format answers.
          After a 429 it asks again at once (the engine holds the pool until the provider's wait is over).
          Approvals that were never settled are swept every 5 s, as the daemon does.
        - **5xx**, in every mode: the agent backs off 1 s doubled per failure in a row up to 30 s, taking a random
          upper half of it, then tries again (with Ratelord: asks again).
        - **The outside consumer** of the drift scenario calls the provider directly in every mode, as an agent
          without Ratelord does.

        """;

    private static readonly string Measures = """
        ## What is measured

        - **Provider 429s**: 429 answers to the agents' calls. The outside consumer's 429s are counted apart.
        - **Quota used where demand existed**: calls served (answered 2xx) to the agents, divided by the capacity
          of the provider windows during which demand was pending. A window counts when at every instant of it at
          least one agent had a want it had not yet been served (a window where all demand was met before its end
          had nothing more to use its quota for), and when the provider did not fail during it. Its capacity is the
          limit less what the outside consumer was served in it. The table gives the share and, in brackets, how
          many windows it was taken over; only windows that end within the horizon count.
        - **Wait**: from the instant an agent wants a call to the instant of the call that was served. A want not
          served by the end of the horizon counts with its wait so far, a lower bound, so that starving a few
          cannot make a controller look fast. p50 and p99 are nearest-rank percentiles, per urgency.
        - **Jain's fairness index** among the equal agents (same demand and urgency; the quiet nine of the noisy
          neighbour): (Σx)² / (n·Σx²) of the calls served per agent; 1 when all got the same.
        - **Served / wanted**: wants served by the end of the horizon, of all wants made in it.

        """;
}
