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
    private const double Limit = 1000;

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
        var answers = new Answers();
        JsonElement before;
        await using (var daemon = await DaemonProcess.StartAsync(DbPath))
        {
            await PrepareAsync(daemon.Http);
            await Task.WhenAll(Enumerable.Range(0, AgentCount).Select(async agent =>
            {
                for (var i = 0; i < 20; i++)
                {
                    await AskAndActAsync(daemon.Http, agent, i, answers);
                }
            }));
            before = await daemon.Http.GetJsonAsync("/v1/pools");

            daemon.Kill();

            Assert.True(daemon.HasExited);
        }

        await using var restarted = await DaemonProcess.StartAsync(DbPath);
        var after = await restarted.Http.GetJsonAsync("/v1/pools");
        var logged = Decisions(await restarted.Http.ReadAllEventsAsync());

        Assert.Equal(AgentCount * 20, answers.Decided.Count);
        AssertEveryAnswerIsLogged(answers, logged);
        Assert.Equal(Durable(before), Durable(after));
        var pool = after.GetProperty("pools").EnumerateArray().Single();
        var holding = answers.Decided
            .Count(a => a.Value != "deny_with_reason" && !answers.Settled.ContainsKey(a.Key));
        Assert.Equal(Limit - answers.Settled.Count, pool.Number("remaining"));
        Assert.Equal(holding, pool.Number("reserved"));
    }

    [Fact]
    public async Task AnsweredIntents_AreInTheLog_WhenSigkillArrivesWhileAgentsAreSubmitting()
    {
        var answers = new Answers();
        var failuresBeforeKill = new ConcurrentBag<Exception>();
        var killed = 0;
        await using (var daemon = await DaemonProcess.StartAsync(DbPath))
        {
            await PrepareAsync(daemon.Http);
            var agents = Enumerable.Range(0, AgentCount)
                .Select(agent => RunUntilFailureAsync(
                    daemon.Http, agent, answers, failuresBeforeKill, () => Volatile.Read(ref killed) == 1))
                .ToList();

            await Poll.UntilAsync(
                () => answers.Decided.Count >= 120 || agents.Any(a => a.IsCompleted),
                "the agents have 120 answers");
            Assert.Empty(failuresBeforeKill);
            Volatile.Write(ref killed, 1);
            daemon.Kill();

            // Requests in flight fail; each agent stops at its first failure.
            await Task.WhenAll(agents);
        }

        Assert.Empty(failuresBeforeKill);
        await using var restarted = await DaemonProcess.StartAsync(DbPath);
        var events = await restarted.Http.ReadAllEventsAsync();
        var logged = Decisions(events);
        var settledInLog = events.Where(e => e.Text("type") == "intent_settled")
            .Select(e => e.GetProperty("payload").Text("intent_id"))
            .ToHashSet();

        AssertEveryAnswerIsLogged(answers, logged);
        Assert.Subset(settledInLog, answers.Settled.Keys.ToHashSet());

        // The replayed pool holds exactly what the log's unsettled approvals hold.
        var pool = (await restarted.Http.GetJsonAsync("/v1/pools")).GetProperty("pools").EnumerateArray().Single();
        var holding = logged.Count(d => d.Value != "deny_with_reason" && !settledInLog.Contains(d.Key));
        Assert.Equal(holding, pool.Number("reserved"));
        Assert.Equal(Limit - settledInLog.Count, pool.Number("remaining"));
    }

    private static async Task PrepareAsync(HttpClient http)
    {
        await http.RegisterIdentityAsync(Identity);
        var date = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);
        await http.ObserveAsync(ProviderBodies.GitHub(Identity, date, Limit, Limit, reset: date.AddHours(2)));
    }

    /// <summary>One step of an agent: ask, note the answer, and report the outcome of every third approval.</summary>
    private static async Task AskAndActAsync(HttpClient http, int agent, int step, Answers answers)
    {
        var decision = await http.SubmitIntentAsync($"agent-{agent}", Identity);
        var intentId = decision.Text("intent_id");
        answers.Decided[intentId] = decision.Text("decision");
        if (step % 3 == 0 && decision.Text("decision") == "approve")
        {
            await http.ReportOutcomeAsync(intentId, new { Outcome = "completed" });
            answers.Settled[intentId] = true;
        }
    }

    private static async Task RunUntilFailureAsync(
        HttpClient http,
        int agent,
        Answers answers,
        ConcurrentBag<Exception> failuresBeforeKill,
        Func<bool> killed)
    {
        // An agent that reaches 400 intents stops, so a kill that never comes cannot hang the test.
        for (var step = 0; step < 400; step++)
        {
            try
            {
                await AskAndActAsync(http, agent, step, answers);
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

    private static void AssertEveryAnswerIsLogged(Answers answers, Dictionary<string, string> logged)
    {
        Assert.NotEmpty(answers.Decided);
        foreach (var (intentId, decision) in answers.Decided)
        {
            Assert.True(
                logged.TryGetValue(intentId, out var inLog),
                $"Intent {intentId} was answered {decision} but is not in the log.");
            Assert.Equal(decision, inLog);
        }
    }

    /// <summary>Intent id to verdict, from the log's <c>intent_decided</c> events.</summary>
    private static Dictionary<string, string> Decisions(IEnumerable<JsonElement> events) =>
        events.Where(e => e.Text("type") == "intent_decided")
            .ToDictionary(
                e => e.GetProperty("payload").Text("intent_id"),
                e => e.GetProperty("payload").Text("verdict"));

    private static List<string> Durable(JsonElement pools) =>
        [.. pools.GetProperty("pools").EnumerateArray()
            .Select(p => string.Join(", ", DurableFields.Select(f => $"{f}={p.GetProperty(f).GetRawText()}")))
            .Order(StringComparer.Ordinal)];

    /// <summary>What the agents were told: each decision they received, and each outcome the daemon took.</summary>
    private sealed class Answers
    {
        public ConcurrentDictionary<string, string> Decided { get; } = new();

        public ConcurrentDictionary<string, bool> Settled { get; } = new();
    }
}
