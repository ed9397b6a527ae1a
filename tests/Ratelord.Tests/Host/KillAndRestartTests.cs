using System.Collections.Concurrent;
using System.Text.Json;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Host;

/// <summary>
/// No decision is ever lost: the daemon process is killed with SIGKILL while agents work, restarted on
/// the same file, and every answer an agent received is in the log, with the pools replayed exactly.
/// </summary>
public sealed class KillAndRestartTests : IDisposable
{
    private const string Identity = "pat:survivor";
    private const int AgentCount = 8;

    /// <summary>Fields of a pool that depend on the log alone, not on the instant they are read.</summary>
    private static readonly string[] DurableFields =
        [
            "pool_id", "provider", "pool", "identity_id", "limit", "remaining", "reserved", "available", "used",
            "reset_at", "window_s", "last_observed_at",
        ];

    private readonly TempDirectory _directory = new();

    private string DbPath => _directory.File("ratelord.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AnsweredIntents_AreInTheLogAfterSigkill_AndPoolsReplayToTheSameState()
    {
        var answers = new ConcurrentBag<Answer>();
        JsonElement before;
        await using (var daemon = await DaemonProcess.StartAsync(DbPath))
        {
            await PrepareAsync(daemon.Http);
            await Task.WhenAll(
                Enumerable.Range(0, AgentCount).Select(a => RunAgentAsync(daemon.Http, a, answers, intents: 20)));
            before = await daemon.Http.GetJsonAsync("/v1/pools");

            daemon.Kill();

            Assert.True(daemon.HasExited);
        }

        await using var restarted = await DaemonProcess.StartAsync(DbPath);
        var after = await restarted.Http.GetJsonAsync("/v1/pools");
        var decided = await DecisionsInLogAsync(restarted.Http);

        Assert.Equal(AgentCount * 20, answers.Count);
        AssertEveryAnswerIsLogged(answers, decided);
        Assert.Equal(Durable(before), Durable(after));
        var pool = after.GetProperty("pools").EnumerateArray().Single();
        var settled = answers.Count(a => a.Settled);
        Assert.Equal(1000 - settled, pool.GetProperty("remaining").GetDouble());
        Assert.Equal(answers.Count - settled, pool.GetProperty("reserved").GetDouble());
    }

    [Fact]
    public async Task AnsweredIntents_AreInTheLog_WhenSigkillArrivesWhileAgentsAreSubmitting()
    {
        var answers = new ConcurrentBag<Answer>();
        var failuresBeforeKill = new ConcurrentBag<Exception>();
        var killed = 0;
        await using (var daemon = await DaemonProcess.StartAsync(DbPath))
        {
            await PrepareAsync(daemon.Http);
            var agents = Enumerable.Range(0, AgentCount)
                .Select(a => RunAgentUntilFailureAsync(
                    daemon.Http, a, answers, failuresBeforeKill, () => Volatile.Read(ref killed) == 1))
                .ToList();

            await Poll.UntilAsync(
                () => answers.Count >= 120 || agents.Any(a => a.IsCompleted),
                "the agents have 120 answers");
            Assert.Empty(failuresBeforeKill);
            Volatile.Write(ref killed, 1);
            daemon.Kill();

            // Requests in flight fail; each agent stops at its first failure.
            await Task.WhenAll(agents);
        }

        Assert.Empty(failuresBeforeKill);
        var answered = answers.ToList();
        await using var restarted = await DaemonProcess.StartAsync(DbPath);
        var events = await restarted.Http.ReadAllEventsAsync();
        var decided = Decisions(events);

        AssertEveryAnswerIsLogged(answered, decided);
        Assert.All(answered.Where(a => a.Settled), a => Assert.Contains(
            events,
            e => e.Text("type") == "intent_settled" && e.GetProperty("payload").Text("intent_id") == a.IntentId));

        // The replayed pool holds exactly what the log's unsettled approvals hold.
        var pool = (await restarted.Http.GetJsonAsync("/v1/pools")).GetProperty("pools").EnumerateArray().Single();
        var settledIds = events.Where(e => e.Text("type") == "intent_settled")
            .Select(e => e.GetProperty("payload").Text("intent_id")).ToHashSet();
        var holding = decided.Count(d => d.Value != "deny_with_reason" && !settledIds.Contains(d.Key));
        Assert.Equal(holding, pool.GetProperty("reserved").GetDouble());
        Assert.Equal(1000 - settledIds.Count, pool.GetProperty("remaining").GetDouble());
    }

    private static async Task PrepareAsync(HttpClient http)
    {
        await http.RegisterIdentityAsync(Identity);
        var date = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);
        await http.ObserveAsync(ProviderBodies.GitHub(Identity, date, 1000, 1000, reset: date.AddHours(2)));
    }

    private static async Task RunAgentAsync(HttpClient http, int agent, ConcurrentBag<Answer> answers, int intents)
    {
        for (var i = 0; i < intents; i++)
        {
            answers.Add(await AskAndActAsync(http, agent, i));
        }
    }

    private static async Task RunAgentUntilFailureAsync(
        HttpClient http,
        int agent,
        ConcurrentBag<Answer> answers,
        ConcurrentBag<Exception> failuresBeforeKill,
        Func<bool> killed)
    {
        // An agent that reaches 400 intents stops, so a kill that never comes cannot hang the test.
        for (var i = 0; i < 400; i++)
        {
            try
            {
                var decision = await http.SubmitIntentAsync($"agent-{agent}", Identity);
                var answer = new Answer(decision.Text("intent_id"), decision.Text("decision"), Settled: false);
                answers.Add(answer);
                if (i % 3 == 0 && answer.Decision == "approve")
                {
                    await http.ReportOutcomeAsync(answer.IntentId, new { Outcome = "completed" });
                    answers.Add(answer with { Settled = true, Decision = "settled" });
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException
                or Xunit.Sdk.XunitException or JsonException)
            {
                if (!killed())
                {
                    failuresBeforeKill.Add(exception);
                }

                return;
            }
        }
    }

    private static async Task<Answer> AskAndActAsync(HttpClient http, int agent, int i)
    {
        var decision = await http.SubmitIntentAsync($"agent-{agent}", Identity);
        var answer = new Answer(decision.Text("intent_id"), decision.Text("decision"), Settled: false);
        if (i % 3 == 0 && answer.Decision == "approve")
        {
            await http.ReportOutcomeAsync(answer.IntentId, new { Outcome = "completed" });

            return answer with { Settled = true };
        }

        return answer;
    }

    private static void AssertEveryAnswerIsLogged(
        IEnumerable<Answer> answers,
        IReadOnlyDictionary<string, string> decided)
    {
        foreach (var answer in answers.Where(a => a.Decision != "settled"))
        {
            Assert.True(
                decided.TryGetValue(answer.IntentId, out var logged),
                $"Intent {answer.IntentId} was answered but is not in the log.");
            Assert.Equal(answer.Decision, logged);
        }
    }

    private static async Task<Dictionary<string, string>> DecisionsInLogAsync(HttpClient http) =>
        Decisions(await http.ReadAllEventsAsync());

    private static Dictionary<string, string> Decisions(IEnumerable<JsonElement> events) =>
        events.Where(e => e.Text("type") == "intent_decided")
            .ToDictionary(
                e => e.GetProperty("payload").Text("intent_id"),
                e => e.GetProperty("payload").Text("verdict"));

    private static List<string> Durable(JsonElement pools) =>
        [.. pools.GetProperty("pools").EnumerateArray()
            .Select(p => string.Join(", ", DurableFields.Select(f => $"{f}={p.GetProperty(f).GetRawText()}")))
            .Order(StringComparer.Ordinal)];

    private sealed record Answer(string IntentId, string Decision, bool Settled);
}
