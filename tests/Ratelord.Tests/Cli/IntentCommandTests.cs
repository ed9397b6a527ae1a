using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class IntentCommandTests(SeededDaemon daemon)
{
    [Fact]
    public async Task Intent_PrintsTheDecisionAndTheTraceOfEveryPoolChecked()
    {
        var run = await Ratelord.RunAsync(
            "intent", "--url", daemon.Url, "--identity", "pat:ci-bot", "--agent", "cli-intent", "--urgency", "high");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"decision\s+approve", run.Output);
        Assert.Contains("Pools checked", run.Output);
        Assert.Contains("github/core@pat:ci-bot", run.Output);
        Assert.Matches(@"intent\s+[0-9a-f]{8}-", run.Output);
    }

    [Fact]
    public async Task Intent_Json_GivesTheDecisionWithItsTrace()
    {
        var run = await Ratelord.RunAsync(
            "intent", "--url", daemon.Url, "--identity", "pat:ci-bot", "--agent", "cli-intent-json", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Contains(json.Text("decision"), new[] { "approve", "approve_with_modifications" });
        Assert.True(Guid.TryParse(json.Text("intent_id"), out _));
        var checkedPools = json.GetProperty("trace")
            .GetProperty("pools")
            .EnumerateArray()
            .Select(p => p.Text("pool_id"));
        Assert.Contains("github/core@pat:ci-bot", checkedPools);
    }

    [Fact]
    public async Task Intent_Denied_IsAnAnswerNotAFailure()
    {
        var run = await Ratelord.RunAsync(
            "intent",
            "--url",
            daemon.Url,
            "--identity",
            "pat:crawler",
            "--max-wait",
            "0",
            "--urgency",
            "high",
            "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("deny_with_reason", run.Json().Text("decision"));
        Assert.False(run.Json().IsNull("reason"));
    }

    [Fact]
    public async Task Intent_WithoutIdentity_IsAUsageError()
    {
        var run = await Ratelord.RunAsync("intent", "--url", daemon.Url);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--identity is required", run.Errors);
    }

    [Fact]
    public async Task Intent_RefusedAsMalformed_ExitsOneWithTheFieldAtFault()
    {
        var run = await Ratelord.RunAsync("intent", "--url", daemon.Url, "--identity", "pat:ci-bot", "--cost", "-5");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the daemon refused (400", run.Errors);
        Assert.Contains("expected_cost", run.Errors);
    }
}
