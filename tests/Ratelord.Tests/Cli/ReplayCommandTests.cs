using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class ReplayCommandTests(SeededDaemon daemon)
{
    [Fact]
    public async Task Verify_RebuildsFromTheLogAndFindsTheSameProjections()
    {
        var run = await Ratelord.RunAsync("replay", "--verify", "--url", daemon.Url);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("replay matches", run.Output);
        Assert.Matches(@"\d+ pools, \d+ intents, \d+ identities", run.Output);
    }

    [Fact]
    public async Task Verify_Json_SaysEqualAndWhatWasCompared()
    {
        var run = await Ratelord.RunAsync("replay", "--verify", "--url", daemon.Url, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.True(json.GetProperty("equal").GetBoolean());
        Assert.True(json.GetProperty("pools").GetInt32() >= SeededDaemon.PoolIds.Length);
        Assert.True(json.GetProperty("intents").GetInt32() >= 4);
        Assert.Equal(0, json.GetProperty("differences").GetArrayLength());
    }

    [Fact]
    public async Task Replay_WithoutVerify_IsAUsageError()
    {
        var run = await Ratelord.RunAsync("replay", "--url", daemon.Url);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--verify", run.Errors);
    }
}
