using System.Collections.Concurrent;
using Ratelord.Scenarios.Reporting;
using Ratelord.Scenarios.Scenarios;

namespace Ratelord.Tests.Scenarios;

/// <summary>
/// The scenarios on a short horizon, each mode run once and shared by every test that reads it. The runs are
/// deterministic (seeded, virtual time), so sharing them changes nothing but the time the tests take.
/// </summary>
internal static class ScenarioRuns
{
    /// <summary>
    /// The report's horizon (its default <c>--minutes</c>), so the tests assert what docs/scenarios.md shows.
    /// </summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromMinutes(10);

    private static readonly ConcurrentDictionary<(string, ScenarioMode), Lazy<ScenarioMetrics>> Runs = new();

    public static ScenarioSpec Spec(string id) => ScenarioCatalog.All.Single(s => s.Id == id);

    public static ScenarioMetrics Measure(string id, ScenarioMode mode) =>
        Runs.GetOrAdd(
                (id, mode),
                key => new Lazy<ScenarioMetrics>(() => ScenarioMetrics.Measure(
                    ScenarioRunner.Run(Spec(key.Item1), key.Item2, ScenarioCatalog.DefaultSeed, Horizon))))
            .Value;
}
