using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class ReportCommandTests(SeededDaemon daemon)
{
    [Fact]
    public async Task Usage_IsACsvOfTotalsPerAgentIdentityWorkloadAndPool()
    {
        var run = await Ratelord.RunAsync("report", "--url", daemon.Url, "--from", "1h");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(
            "agent_id,identity_id,workload_id,pool_id,decisions,approved,denied,reserved,settled,actual_cost",
            lines[0]);
        var approved = lines
            .Single(l => l.StartsWith(
                $"{SeededDaemon.ApprovedAgent},pat:ci-bot,default,github/core@pat:ci-bot,",
                StringComparison.Ordinal))
            .Split(',');
        Assert.Equal("3", approved[4]);
        Assert.Equal("3", approved[5]);
        Assert.Equal("0", approved[6]);
        var denied = lines
            .Single(l => l.StartsWith($"{SeededDaemon.DeniedAgent},", StringComparison.Ordinal))
            .Split(',');
        Assert.Equal("1", denied[6]);
    }

    [Fact]
    public async Task Decisions_IsACsvWithOneRowPerDecision()
    {
        var run = await Ratelord.RunAsync("report", "--kind", "decisions", "--url", daemon.Url, "--from", "1h");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.StartsWith("decided_at,intent_id,agent_id,identity_id,", lines[0]);
        Assert.Equal(
            3,
            lines.Count(l => l.Contains($",{SeededDaemon.ApprovedAgent},pat:ci-bot,", StringComparison.Ordinal)));
        Assert.Contains(
            lines,
            l => l.Contains($",{SeededDaemon.DeniedAgent},", StringComparison.Ordinal)
                && l.Contains(",deny_with_reason,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Decisions_Json_HasTheSameColumns()
    {
        var run = await Ratelord.RunAsync("report", "--kind", "decisions", "--url", daemon.Url, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = run.Json().EnumerateArray().ToList();
        Assert.Contains(
            rows,
            r => r.Text("agent_id") == SeededDaemon.DeniedAgent && r.Text("verdict") == "deny_with_reason");
        Assert.All(
            rows,
            r => Assert.True(DateTimeOffset.TryParse(
                r.Text("decided_at"),
                System.Globalization.CultureInfo.InvariantCulture,
                out _)));
    }

    [Fact]
    public async Task RangeInTheFuture_GivesOnlyTheHeader_AndOutputGoesToAFile()
    {
        var path = daemon.File($"report-{Guid.NewGuid():N}.csv");
        var from = DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var run = await Ratelord.RunAsync("report", "--url", daemon.Url, "--from", from, "--to", from, "-o", path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("wrote 0 usage rows", run.Output);
        Assert.Single((await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))
            .TrimEnd('\n')
            .Split('\n'));
    }

    [Fact]
    public async Task BadTime_IsAUsageError()
    {
        var run = await Ratelord.RunAsync("report", "--url", daemon.Url, "--from", "yesterday-ish");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--from 'yesterday-ish' is not a time", run.Errors);
    }
}
