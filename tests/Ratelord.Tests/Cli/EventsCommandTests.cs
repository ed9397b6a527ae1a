using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class EventsCommandTests(SeededDaemon daemon)
{
    [Fact]
    public async Task Events_ShowTheLatestEventsWithWhatTheySay()
    {
        var run = await Ratelord.RunAsync("events", "--url", daemon.Url, "--limit", "1000");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("identity_registered", run.Output);
        Assert.Contains("intent_decided", run.Output);
        Assert.Contains(
            run.Output.Split('\n'),
            l => l.Contains(SeededDaemon.DeniedAgent, StringComparison.Ordinal)
                && l.Contains("deny_with_reason", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_Json_FilteredByType()
    {
        var run = await Ratelord.RunAsync(
            "events", "--url", daemon.Url, "--after", "0", "--limit", "1000", "--type", "intent_decided", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var events = run.Json().GetProperty("events").EnumerateArray().ToList();
        Assert.True(events.Count >= 4, run.Output);
        Assert.All(events, e => Assert.Equal("intent_decided", e.Text("type")));
        Assert.Contains(events, e => e.Text("agent_id") == SeededDaemon.DeniedAgent
            && e.GetProperty("payload").Text("verdict") == "deny_with_reason");
    }

    [Fact]
    public async Task Events_TypeWithLimit_ShowsTheLatestEventsOfThatType()
    {
        // Events of other types after the latest decision: a filter applied after the limit would find none.
        await daemon.Http.SubmitIntentAsync("events-latest", "pat:ci-bot", urgency: "high");
        for (var i = 0; i < 5; i++)
        {
            await daemon.Http.RegisterIdentityAsync($"pat:events-latest-{i}");
        }

        var decided = await DecisionPositionsAsync();

        var run = await Ratelord.RunAsync(
            "events", "--url", daemon.Url, "--type", "intent_decided", "--limit", "3", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var events = run.Json().GetProperty("events").EnumerateArray().ToList();
        Assert.All(events, e => Assert.Equal("intent_decided", e.Text("type")));
        Assert.Equal(decided.TakeLast(3), events.Select(e => e.GetProperty("position").GetInt64()));
    }

    [Fact]
    public async Task Events_TypeWithLimit_Table_ShowsThatManyRows()
    {
        await daemon.Http.RegisterIdentityAsync($"pat:events-table-{Guid.NewGuid():N}"[..24]);

        var run = await Ratelord.RunAsync("events", "--url", daemon.Url, "--type", "intent_decided", "--limit", "3");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(3, run.Output.Split('\n').Count(l => l.Contains("intent_decided", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Events_TypeWithAfterAndLimit_ShowsTheFirstEventsOfThatTypeAfterThePosition()
    {
        var decided = await DecisionPositionsAsync();

        var run = await Ratelord.RunAsync(
            "events", "--url", daemon.Url, "--after", "0", "--type", "intent_decided", "--limit", "2", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        var positions = json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("position").GetInt64());
        Assert.Equal(decided.Take(2), positions);
        Assert.Equal(decided[1], json.GetProperty("next_after").GetInt64());

        var after = decided[1].ToString(CultureInfo.InvariantCulture);
        var next = await Ratelord.RunAsync(
            "events", "--url", daemon.Url, "--after", after, "--type", "intent_decided", "--limit", "1", "--json");

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal(
            decided[2],
            next.Json().GetProperty("events").EnumerateArray().Single().GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task Events_UnknownType_IsRefusedByTheDaemon()
    {
        var run = await Ratelord.RunAsync("events", "--url", daemon.Url, "--type", "intent_decidd");

        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("intent_decidd", line);
        Assert.Contains("intent_decided", line);
    }

    [Fact]
    public async Task Events_BadLimit_IsAUsageError()
    {
        var run = await Ratelord.RunAsync("events", "--url", daemon.Url, "--limit", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--limit", run.Errors);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Events_Follow_PrintsADecisionAsItIsMade_AndCtrlCEndsCleanly(bool json)
    {
        var agent = $"follower-{Guid.NewGuid():N}"[..20];
        string[] args = json
            ? ["events", "--url", daemon.Url, "--follow", "--type", "intent_decided", "--json"]
            : ["events", "--url", daemon.Url, "--follow", "--type", "intent_decided"];
        using var process = Ratelord.Start(args, redirectInput: false);
        var lines = new List<string>();
        var token = TestContext.Current.CancellationToken;
        var reader = Task.Run(
            async () =>
            {
                while (await process.StandardOutput.ReadLineAsync(token) is { } line)
                {
                    lock (lines)
                    {
                        lines.Add(line);
                    }
                }
            },
            token);
        var errors = process.StandardError.ReadToEndAsync(token);

        // The stream opens with the latest decisions already in the log: once one shows, the command follows.
        await Poll.UntilAsync(() => Count(lines) > (json ? 0 : 1), "the command printed the log's latest decisions");
        await daemon.Http.SubmitIntentAsync(agent, "pat:ci-bot", urgency: "high");
        await Poll.UntilAsync(
            () => Snapshot(lines).Any(l => l.Contains(agent, StringComparison.Ordinal)),
            "the new decision appeared");

        var line = Snapshot(lines).First(l => l.Contains(agent, StringComparison.Ordinal));
        if (json)
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal("intent_decided", document.RootElement.Text("type"));
            Assert.Equal("approve", document.RootElement.GetProperty("payload").Text("verdict"));
        }
        else
        {
            Assert.Contains("intent_decided", line);
            Assert.Contains("approve", line);
        }

        using (var interrupt = Process.Start(
            "kill",
            ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt!.WaitForExitAsync(token);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token);
        await reader;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await errors}");
    }

    private async Task<List<long>> DecisionPositionsAsync() =>
        [
            .. (await daemon.Http.ReadAllEventsAsync())
                .Where(e => e.Text("type") == "intent_decided")
                .Select(e => e.GetProperty("position").GetInt64()),
        ];

    private static int Count(List<string> lines)
    {
        lock (lines)
        {
            return lines.Count;
        }
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }
}
