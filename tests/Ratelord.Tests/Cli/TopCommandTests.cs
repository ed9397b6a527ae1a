using Microsoft.AspNetCore.Builder;
using Ratelord.Host;
using Ratelord.Host.Configuration;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

/// <summary><c>ratelord top</c> in a real terminal (tmux) against a running daemon.</summary>
public sealed class TopCommandTests
{
    // tmux draws the 256-colour palette as 38;5;N: Spectre's green is 2, yellow 11, red 9.
    private static readonly Dictionary<string, string> StatusColour = new(StringComparer.Ordinal)
    {
        ["ok"] = "\u001b[38;5;2m",
        ["warn"] = "\u001b[38;5;11m",
        ["critical"] = "\u001b[38;5;9m",
    };

    [Fact]
    public async Task Top_ShowsThePoolsAFreshDecisionAndTheStatusColours_AndReconnectsAfterARestart()
    {
        using var directory = new TempDirectory();
        var settings = new DaemonSettings { Port = 0, DbPath = directory.File("ratelord.db") };
        var app = await DaemonApp.StartAsync(settings, TestContext.Current.CancellationToken);
        var url = app.Urls.First();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await SeededDaemon.Seed(http);
        var pools = (await http.GetJsonAsync("/v1/pools")).GetProperty("pools").EnumerateArray()
            .ToDictionary(p => p.Text("pool_id"), p => p.Text("status"));

        await using var tmux = await Tmux.StartAsync(directory, $"dotnet {Ratelord.DllPath} top --url {url}");
        try
        {
            // The pools, each with its status drawn in its colour.
            var screen = await tmux.WaitForAsync(
                s => pools.Keys.All(s.Contains) && s.Contains("state ok", StringComparison.Ordinal),
                "every pool and the daemon's state are on screen");
            Assert.Contains("Vital signs", screen);
            var coloured = await tmux.CaptureAsync(colours: true);
            foreach (var (id, status) in pools.Where(p => StatusColour.ContainsKey(p.Value)))
            {
                // The pools table is drawn above the decisions, whose lines may name the same pool.
                var row = coloured.Split('\n').First(l => l.Contains(id, StringComparison.Ordinal));
                Assert.True(
                    row.Contains(StatusColour[status] + status, StringComparison.Ordinal),
                    $"{id} is {status} in its colour: {Visible(row)}");
            }

            Assert.Contains(StatusColour["critical"] + "critical", coloured);

            // A decision made now appears at once, coloured by its verdict.
            var agent = "tui-" + Guid.NewGuid().ToString("N")[..6];
            await http.SubmitIntentAsync(agent, "pat:ci-bot", urgency: "high");
            await tmux.WaitForAsync(
                s => s.Contains(agent, StringComparison.Ordinal),
                "the fresh decision is on screen");
            var line = (await tmux.CaptureAsync(colours: true))
                .Split('\n')
                .Single(l => l.Contains(agent, StringComparison.Ordinal));
            Assert.Contains(StatusColour["ok"] + "approve", line);

            // Arrow keys select a pool and Enter opens its detail; Esc goes back.
            await tmux.SendKeysAsync("Down");
            await tmux.SendKeysAsync("Enter");
            await tmux.WaitForAsync(
                s => s.Contains("(Esc to go back)", StringComparison.Ordinal)
                    && s.Contains("TTE P50", StringComparison.Ordinal),
                "the pool's detail is open");
            await tmux.SendKeysAsync("Escape");
            await tmux.WaitForAsync(
                s => s.Contains("Decisions, live", StringComparison.Ordinal),
                "the decisions are back");

            // The daemon restarts on the same port and log: top says so, then carries on by itself.
            var port = new Uri(url).Port;
            await app.StopAsync(TestContext.Current.CancellationToken);
            await DisposeQuietly(app);
            await tmux.WaitForAsync(
                s => s.Contains("daemon unreachable", StringComparison.Ordinal),
                "the outage is shown");
            app = await DaemonApp.StartAsync(settings with { Port = port }, TestContext.Current.CancellationToken);
            await tmux.WaitForAsync(
                s => s.Contains("state ok", StringComparison.Ordinal),
                "the daemon is back on screen");
            var after = "tui-" + Guid.NewGuid().ToString("N")[..6];
            await http.SubmitIntentAsync(after, "pat:ci-bot", urgency: "high");
            await tmux.WaitForAsync(
                s => s.Contains(after, StringComparison.Ordinal),
                "a decision after the restart is on screen");

            await tmux.SendKeysAsync("q");
            Assert.Equal(0, await tmux.WaitForExitAsync("top ends on q"));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await DisposeQuietly(app);
        }
    }

    [Fact]
    public async Task Top_Json_IsRefusedWithAOneLineReason()
    {
        var run = await Ratelord.RunAsync("top", "--json", "--url", "http://127.0.0.1:1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("top is a live screen for people", run.Errors);
    }

    private static string Visible(string text) => text.Replace("\u001b", "ESC", StringComparison.Ordinal);

    private static async Task DisposeQuietly(WebApplication app)
    {
        try
        {
            await app.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
            // The daemon disposes its writer twice on the way down; it has stopped either way.
        }
    }
}
