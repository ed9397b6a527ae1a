using System.Diagnostics;
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
            l => l.Contains(SeededDaemon.DeniedAgent, StringComparison.Ordinal) && l.Contains("deny_with_reason", StringComparison.Ordinal));
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
        await Poll.UntilAsync(() => Snapshot(lines).Any(l => l.Contains(agent, StringComparison.Ordinal)), "the new decision appeared");

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

        using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt!.WaitForExitAsync(token);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token);
        await reader;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await errors}");
    }

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
