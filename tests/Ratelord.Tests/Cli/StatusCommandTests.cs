using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class StatusCommandTests(SeededDaemon daemon)
{
    [Fact]
    public async Task Status_PrintsStateVersionRiskAndLog()
    {
        var run = await Ratelord.RunAsync("status", "--url", daemon.Url);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("ratelord-d", run.Output);
        Assert.Contains("state         ok", run.Output);
        Assert.Matches(@"overall risk\s+(ok|warn|critical)", run.Output);
        Assert.Contains("decisions", run.Output);
        Assert.Contains("sqlite", run.Output);
        Assert.Equal("", run.Errors);
    }

    [Fact]
    public async Task Status_Json_CarriesHealthAndVitals()
    {
        var run = await Ratelord.RunAsync("status", "--url", daemon.Url, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal("ok", json.GetProperty("health").Text("status"));
        Assert.Contains(json.GetProperty("vitals").Text("overall_risk"), new[] { "ok", "warn", "critical" });
        Assert.Equal(SeededDaemon.PoolIds.Length, json.GetProperty("pools").GetInt32());
    }

    [Fact]
    public async Task GlobalOptions_MayComeBeforeTheCommand()
    {
        var run = await Ratelord.RunAsync("--url", daemon.Url, "--json", "status");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("ok", run.Json().GetProperty("health").Text("status"));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("pools", "--json")]
    [InlineData("identity", "list")]
    public async Task DaemonUnreachable_ExitsThreeWithOneLineNamingTheAddress(params string[] command)
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var run = await Ratelord.RunAsync([.. command, "--url", "http://127.0.0.1:1"]);

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("", run.Output);
        var line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(
            "ratelord: Cannot reach the Ratelord daemon at http://127.0.0.1:1/: connection refused.", line);
        Assert.Contains("Is ratelord-d running there?", line);
    }

    [Fact]
    public async Task UnknownCommand_IsAUsageError()
    {
        var run = await Ratelord.RunAsync("frobnicate", "--url", daemon.Url);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("ratelord: ", run.Errors.Trim());
    }

    [Fact]
    public async Task BadUrl_IsAUsageError()
    {
        var run = await Ratelord.RunAsync("pools", "--url", "ftp://example");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--url 'ftp://example'", run.Errors);
    }
}
