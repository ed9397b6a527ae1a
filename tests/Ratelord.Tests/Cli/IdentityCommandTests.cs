using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class IdentityCommandTests(SeededDaemon daemon)
{
    [Fact]
    public async Task AddListRemove_ForPeople()
    {
        var id = $"pat:cli-{Guid.NewGuid():N}"[..16];

        var added = await Ratelord.RunAsync(
            "identity",
            "add",
            id,
            "--kind",
            "pat",
            "--provider",
            "github",
            "--share",
            "core=org:acme",
            "--url",
            daemon.Url);
        var listed = await Ratelord.RunAsync("identity", "list", "--url", daemon.Url);
        var removed = await Ratelord.RunAsync("identity", "rm", id, "--url", daemon.Url);
        var after = await Ratelord.RunAsync("identity", "list", "--url", daemon.Url);

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains($"registered {id}", added.Output);
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var row = listed.Output.Split('\n').Single(l => l.Contains(id, StringComparison.Ordinal));
        Assert.Contains("core=org:acme", row);
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Contains($"deleted {id}", removed.Output);
        Assert.DoesNotContain(id, after.Output);
    }

    [Fact]
    public async Task AddListRemove_ForScripts()
    {
        var id = $"key:cli-{Guid.NewGuid():N}"[..16];

        var added = await Ratelord.RunAsync(
            "identity", "add", id, "--kind", "api_key", "--provider", "openai", "--json", "--url", daemon.Url);
        var listed = await Ratelord.RunAsync("identity", "list", "--json", "--url", daemon.Url);
        var removed = await Ratelord.RunAsync("identity", "rm", id, "--json", "--url", daemon.Url);

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.True(added.Json().GetProperty("registered").GetBoolean());
        var entry = listed.Json().GetProperty("identities").EnumerateArray().Single(i => i.Text("identity_id") == id);
        Assert.Equal("openai", entry.Text("provider"));
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.True(removed.Json().GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task Add_AnIdentityAlreadyRegistered_ExitsOne()
    {
        var run = await Ratelord.RunAsync(
            "identity",
            "add",
            "pat:ci-bot",
            "--kind",
            "pat",
            "--provider",
            "github",
            "--url",
            daemon.Url);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already registered", run.Errors);
    }

    [Fact]
    public async Task Add_WithoutKindOrProvider_IsAUsageError()
    {
        var run = await Ratelord.RunAsync("identity", "add", "pat:x", "--url", daemon.Url);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--kind and --provider required", run.Errors);
    }

    [Fact]
    public async Task Remove_AnUnknownIdentity_ExitsOneWithTheDaemonsReason()
    {
        var run = await Ratelord.RunAsync("identity", "rm", "pat:never-registered", "--url", daemon.Url, "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("404", run.Errors);
        Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
