using System.Globalization;
using Ratelord.Core.Domain;
using Ratelord.Scenarios.Scenarios;

namespace Ratelord.Scenarios.Reporting;

/// <summary>
/// What happened in each scenario, in words, from its numbers. Sentences that explain a shortfall appear
/// only while the shortfall does, so a rerun after the engine changes never repeats a stale explanation.
/// </summary>
public static class Narrative
{
    public static IReadOnlyList<string> Of(ScenarioResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var none = result.Of(ScenarioMode.WithoutRatelord);
        var bucket = result.Of(ScenarioMode.TokenBucket);
        var ratelord = result.Ratelord;

        return result.Spec.Id switch
        {
            "thundering-herd" => ThunderingHerd(result, none, bucket, ratelord),
            "noisy-neighbour" => NoisyNeighbour(none, bucket, ratelord),
            "priority-inversion" => PriorityInversion(none, bucket, ratelord),
            "drift" => Drift(none, bucket, ratelord),
            "provider-failure" => ProviderFailure(none, bucket, ratelord),
            _ => [],
        };
    }

    /// <summary>The causes, traced in the engine, of the thresholds Ratelord misses in this run.</summary>
    public static IReadOnlyList<string> Findings(IReadOnlyList<ScenarioResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var findings = new List<string>();
        var checks = results.SelectMany(Thresholds.Check).Where(c => !c.Holds).ToList();
        if (checks.Count > 0)
        {
            findings.Add(
                "Each threshold missed above was traced through the engine's decisions when this report was "
                + "written; the causes follow. They are the engine's, not the "
                + "simulation's: the same provider answers every mode alike.");
        }

        if (checks.Any(c => c.Scenario == ScenarioCatalog.Drift.Id))
        {
            var m = results.First(r => r.Spec.Id == ScenarioCatalog.Drift.Id).Ratelord;
            findings.Add(
                "**Promises made before an outside consumer's burst (drift).** The engine measures the outside "
                + "consumer's rate from every answer (`PoolState.OutsideRate`: what the readings show spent that no "
                + "started intent explains), plans with the highest rate it has seen lately "
                + "(`PoolState.OutsideHoldRate`), and holds what that rate may spend, at a Poisson quantile of one "
                + "chance in ten thousand, out of the capacity it hands out: until the last promised call of the "
                + "present window, and its whole share of a window to come. The "
                + $"{Format.Count(m.Provider429)} 429s left are paced calls promised tens of seconds ahead, in "
                + "windows where the outside consumer spent more than that: it waits out its own 429s and comes "
                + "back in a burst at the next reset, so what it spends swings from one window to the next by more "
                + "than a rate can foresee. Closing the gap needs promises that can be taken back (an approval the "
                + "agent confirms just before its call) or shorter ones when the pool has an outside consumer; "
                + "neither is done.");
        }

        return findings;
    }

    private static List<string> ThunderingHerd(
        ScenarioResult result,
        ScenarioMetrics none,
        ScenarioMetrics bucket,
        ScenarioMetrics ratelord)
    {
        var paragraphs = new List<string>
        {
            $"Without Ratelord the 500 calls of a herd reach the provider at one instant: {ScenarioCatalog.Limit} are "
            + "served and the rest are answered 429 with a `retry-after` to the window's end; every agent waits "
            + $"exactly that long, so the herd forms again at the next window ({Format.Count(none.Provider429)} 429s "
            + "in all).",
            $"The shared token bucket turns each herd into a queue that drains at the limit's average rate (wait p99 "
            + $"{Format.Seconds(bucket.Waits[Urgency.Normal].P99Seconds)})"
            + (bucket.Provider429 > 0
                ? $", and still draws {Format.Count(bucket.Provider429)} 429s: a herd that lands as a window starts "
                    + "takes the tokens the full bucket saved up and the tokens of that second's refill together, one "
                    + "second's worth more than the window allows."
                : "."),
            "With Ratelord the pool is unknown when the first herd wakes: the engine lets one probe through and "
            + "refuses the rest with `pool_unobserved` and a retry a second later "
            + $"({Format.Count(Count(ratelord.Decisions, "deny:pool_unobserved"))} such refusals). From the probe's "
            + "answer on it approves what the window has left and places the rest after the reset, so every herd is "
            + $"served in the window it lands in and the next: {Format.Count(ratelord.Provider429)} 429s and "
            + $"{Format.Percent(ratelord.QuotaUsed)} of the quota used"
            + (Count(ratelord.Decisions, "deny:reset_unknown") > 0
                ? ". Wants still waiting when a window resets are refused once more "
                    + $"({Format.Count(Count(ratelord.Decisions, "deny:reset_unknown"))} times) with `reset_unknown` "
                    + "and a 30-second retry: GitHub's headers do not state the window's length, so until the "
                    + "resets of two windows have taught it, the engine does not know between a reset and the next "
                    + "answer when the next one comes."
                : "."),
        };
        if (result.BuiltIn is { } builtIn)
        {
            paragraphs.Add(
                $"With the built-in defaults the same run uses {Format.Percent(builtIn.QuotaUsed)} of the quota, "
                + "though they keep 10 % of every window for high urgency and nobody here asks for it.");
        }

        return paragraphs;
    }

    private static List<string> NoisyNeighbour(ScenarioMetrics none, ScenarioMetrics bucket, ScenarioMetrics ratelord)
    {
        var quiet = ratelord.Groups.First(g => g.Prefix == "quiet");
        var noisy = ratelord.Groups.First(g => g.Prefix == "noisy");
        var paragraphs = new List<string>
        {
            "Without Ratelord the agents call at will and the provider refuses "
            + $"{Format.Count(none.Provider429)} calls; each agent is served about the same share of what it "
            + "wants, so the noisy one takes "
            + $"{Format.Percent(none.LargestShare)} of the calls served. The token bucket gets "
            + $"{Format.Count(bucket.Provider429)} 429s and the same split, since its queue serves wants in the order "
            + "they come.",
            $"Ratelord keeps the provider at {Format.Count(ratelord.Provider429)} 429s and uses "
            + $"{Format.Percent(ratelord.QuotaUsed)} of the quota, and the nine quiet agents are served alike (Jain "
            + $"{ratelord.Jain.ToString("0.000", CultureInfo.InvariantCulture)}). "
            + (quiet.ServedShare > noisy.ServedShare + 0.05
                ? $"They were served {Format.Percent(quiet.ServedShare)} of their wants, the noisy agent "
                    + $"{Format.Percent(noisy.ServedShare)} of its own."
                : "But they were not served before the noisy agent: "
                    + $"{Format.Percent(quiet.ServedShare)} of their wants against its "
                    + $"{Format.Percent(noisy.ServedShare)}, though the 3.15 calls a second they want fit in the "
                    + "pool. The fair-share weighting lengthens only the paced waits of an agent above its share "
                    + $"({Format.Count(Count(ratelord.ModificationReasons, "fair_share_exceeded"))} such waits); most "
                    + "intents here are not paced but placed after a reset"
                    + (Count(ratelord.Decisions, "deny:pool_exhausted") is > 0 and var refused
                        ? $" or refused with `pool_exhausted` ({Format.Count(refused)} refusals)"
                        : "")
                    + ", and there whoever asks first is served first, whatever its share."),
        };

        return paragraphs;
    }

    private static List<string> PriorityInversion(
        ScenarioMetrics none,
        ScenarioMetrics bucket,
        ScenarioMetrics ratelord)
    {
        var high = ratelord.Waits[Urgency.High];
        var oncall = ratelord.Groups.First(g => g.Prefix == "oncall");
        var crawler = ratelord.Groups.First(g => g.Prefix == "crawler");

        return
        [
            $"Without Ratelord the flood draws {Format.Count(none.Provider429)} 429s and the on-call agents meet them "
            + "like everyone else, waiting out `retry-after` behind the crawlers: high-urgency p99 wait "
            + $"{Format.Seconds(none.Waits[Urgency.High].P99Seconds)}. The token bucket has no notion of urgency: "
            + "high-urgency calls queue behind a flood that grows without end (p99 "
            + $"{Format.Seconds(bucket.Waits[Urgency.High].P99Seconds)}).",
            "With Ratelord the background intents are paced and placed after resets, while high urgency may use the "
            + "reserve (10 % of the pool at each reset, shrinking with the time the window has left): the on-call "
            + $"agents were served {Format.Percent(oncall.ServedShare)} of their wants, the "
            + $"crawlers {Format.Percent(crawler.ServedShare)}, with {Format.Count(ratelord.Provider429)} 429s and "
            + $"{Format.Percent(ratelord.QuotaUsed)} of the quota used. High-urgency waits: p50 "
            + $"{Format.Seconds(high.P50Seconds)}, p99 {Format.Seconds(high.P99Seconds)}"
            + (high.P99Seconds < Thresholds.MaxHighUrgencyP99Seconds
                ? "."
                : ", which misses the threshold."),
        ];
    }

    private static List<string> Drift(ScenarioMetrics none, ScenarioMetrics bucket, ScenarioMetrics ratelord) =>
    [
        $"Without Ratelord the agents and the outside consumer collide: {Format.Count(none.Provider429)} 429s to the "
        + $"agents and {Format.Count(none.Outside429)} to the outside consumer. The token bucket, sized to the whole "
        + "pool, knows nothing of the third the outside consumer takes and draws "
        + $"{Format.Count(bucket.Provider429)} 429s.",
        "Ratelord sees the outside consumption in every answer's headers and uses what it leaves "
        + $"({Format.Percent(ratelord.QuotaUsed)} of it), with {Format.Count(ratelord.Provider429)} 429s to the agents"
        + (ratelord.Provider429 > 0 ? ", not zero (see the findings below)." : ".")
        + " The outside consumer still meets "
        + $"{Format.Count(ratelord.Outside429)} 429s: the agents want 1.2 times what it leaves, so the pool is "
        + "oversubscribed, someone's calls are refused, and Ratelord governs only the agents that ask it.",
    ];

    private static List<string> ProviderFailure(
        ScenarioMetrics none,
        ScenarioMetrics bucket,
        ScenarioMetrics ratelord) =>
    [
        $"Without Ratelord every agent retries through the outage on its backoff ({Format.Count(none.Provider5xx)} "
        + "5xx), and when the provider recovers the backlog arrives at once: "
        + $"{Format.Count(none.Provider429)} 429s. The token bucket holds the retries to the limit's rate "
        + $"({Format.Count(bucket.Provider5xx)} 5xx, {Format.Count(bucket.Provider429)} 429s) and uses "
        + $"{Format.Percent(bucket.QuotaUsed)} of the quota once the provider is back.",
        $"With Ratelord: {Format.Count(ratelord.Provider5xx)} 5xx and {Format.Count(ratelord.Provider429)} 429s, "
        + $"{Format.Count(ratelord.Served)} of {Format.Count(ratelord.Wanted)} wants served and "
        + $"{Format.Percent(ratelord.QuotaUsed)} of the quota used after the recovery"
        + (ratelord.QuotaUsed < Thresholds.MinQuotaUsed
            ? ", which misses the threshold."
            : ": the 503s, reported as failed calls that cost nothing, are not charged to the pool, and once the "
                + "reset passes the window rolls forward by the length learned from the resets before the outage. "
                + "Nothing but the agents' own backoff spaces their calls during the outage, though: the engine "
                + "keeps approving, since no answer there says when the provider is back, and the safe mode the "
                + "issue asks of a provider answering errors is not part of these decisions yet."),
    ];

    private static int Count(IReadOnlyDictionary<string, int> counts, string key) => counts.GetValueOrDefault(key);
}
