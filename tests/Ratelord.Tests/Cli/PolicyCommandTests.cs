using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class PolicyCommandTests(SeededDaemon daemon)
{
    private const string Invalid = """
        workloads:
          repo_scan: { pools: [ { provider: github, pool: core, cost: -1 } ] }
        bogus: 1
        """;

    [Fact]
    public async Task Show_PrintsVersionRulesWorkloadsAndLastReload()
    {
        var run = await Ratelord.RunAsync("policy", "show", "--url", daemon.Url);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("never-run-dry", run.Output);
        Assert.Contains("repo_scan", run.Output);
        Assert.Contains("last reload accepted", run.Output);
    }

    [Fact]
    public async Task Show_Json_IsThePolicyInForce()
    {
        var run = await Ratelord.RunAsync("policy", "show", "--url", daemon.Url, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.StartsWith("sha256:", json.Text("version"));
        Assert.Contains(json.GetProperty("policies").EnumerateArray(), p => p.Text("id") == "global-safety");
    }

    [Fact]
    public async Task Validate_AGoodFile_ExitsZero()
    {
        var path = daemon.File("good-policy.yaml");
        await File.WriteAllTextAsync(path, SeededDaemon.Policy, TestContext.Current.CancellationToken);

        var people = await Ratelord.RunAsync("policy", "validate", path, "--url", daemon.Url);
        var scripts = await Ratelord.RunAsync("policy", "validate", path, "--url", daemon.Url, "--json");

        Assert.True(people.ExitCode == 0, people.ToString());
        Assert.Contains("valid", people.Output);
        Assert.True(scripts.ExitCode == 0, scripts.ToString());
        Assert.True(scripts.Json().GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Validate_ABadFile_ListsEveryErrorAndExitsOne()
    {
        var path = daemon.File("bad-policy.yaml");
        await File.WriteAllTextAsync(path, Invalid, TestContext.Current.CancellationToken);

        var people = await Ratelord.RunAsync("policy", "validate", path, "--url", daemon.Url);
        var scripts = await Ratelord.RunAsync("policy", "validate", path, "--url", daemon.Url, "--json");

        Assert.Equal(1, people.ExitCode);
        Assert.Contains("cost", people.Output);
        Assert.Contains("bogus", people.Output);
        Assert.Contains("is not a valid policy: 2 error(s)", people.Errors);
        Assert.Equal(1, scripts.ExitCode);
        Assert.False(scripts.Json().GetProperty("valid").GetBoolean());
        Assert.Equal(2, scripts.Json().GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task Validate_AMissingFile_IsAUsageError()
    {
        var run = await Ratelord.RunAsync("policy", "validate", daemon.File("nowhere.yaml"), "--url", daemon.Url);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cannot read policy file", run.Errors);
    }

    [Fact]
    public async Task Reload_AcceptsAGoodFile_AndRefusesABadOne()
    {
        // A daemon of its own: this test rewrites the policy file.
        using var directory = new TempDirectory();
        var path = directory.File("policy.yaml");
        await File.WriteAllTextAsync(path, SeededDaemon.Policy, TestContext.Current.CancellationToken);
        await using var own = await InProcessDaemon.StartAsync(directory.File("ratelord.db"), path);
        var url = own.BaseAddress.ToString();

        var accepted = await Ratelord.RunAsync("policy", "reload", "--url", url);
        var acceptedJson = await Ratelord.RunAsync("policy", "reload", "--url", url, "--json");
        await File.WriteAllTextAsync(path, Invalid, TestContext.Current.CancellationToken);
        var refused = await Ratelord.RunAsync("policy", "reload", "--url", url);
        var refusedJson = await Ratelord.RunAsync("policy", "reload", "--url", url, "--json");

        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("last reload accepted", accepted.Output);
        Assert.True(acceptedJson.Json().GetProperty("last_reload").GetProperty("accepted").GetBoolean());
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("refused", refused.Output);
        Assert.Contains("bogus", refused.Output);
        Assert.Contains("stays in force", refused.Errors);
        Assert.Equal(1, refusedJson.ExitCode);
        Assert.False(refusedJson.Json().GetProperty("last_reload").GetProperty("accepted").GetBoolean());
    }

    [Fact]
    public async Task Reload_WithoutAPolicyFile_ExitsOneWithTheDaemonsReason()
    {
        using var directory = new TempDirectory();
        await using var own = await InProcessDaemon.StartAsync(directory.File("ratelord.db"));

        var run = await Ratelord.RunAsync("policy", "reload", "--url", own.BaseAddress.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("409 no_policy_file", run.Errors);
    }
}
