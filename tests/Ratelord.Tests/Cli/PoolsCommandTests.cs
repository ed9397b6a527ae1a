using System.Text.RegularExpressions;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class PoolsCommandTests(SeededDaemon daemon)
{
    [Fact]
    public async Task Pools_ListsEveryPoolWithItsRemainingAndStatus()
    {
        var pools = await daemon.PoolsAsync();

        var run = await Ratelord.RunAsync("pools", "--url", daemon.Url);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var id in SeededDaemon.PoolIds)
        {
            var row = run.Output.Split('\n').Single(l => l.Contains(id, StringComparison.Ordinal));
            Assert.Contains(pools[id].Text("status"), row);
        }

        Assert.Matches(new Regex(@"github/core@pat:crawler\s+│\s+pat:crawler\s+│\s+0 / 5,000"), run.Output);
    }

    [Fact]
    public async Task Pools_Json_IsTheDaemonsAnswer()
    {
        var run = await Ratelord.RunAsync("pools", "--url", daemon.Url, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var ids = run.Json().GetProperty("pools").EnumerateArray().Select(p => p.Text("pool_id")).ToList();
        Assert.All(SeededDaemon.PoolIds, id => Assert.Contains(id, ids));
    }
}
