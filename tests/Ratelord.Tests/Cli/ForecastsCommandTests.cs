using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class ForecastsCommandTests(SeededDaemon daemon)
{
    [Fact]
    public async Task Forecasts_ShowBurnRateTteAndConfidencePerPool()
    {
        var run = await Ratelord.RunAsync("forecasts", "--url", daemon.Url);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("TTE P50", run.Output);
        Assert.Contains("P(exh.)", run.Output);
        Assert.All(SeededDaemon.PoolIds, id => Assert.Contains(id, run.Output));
    }

    [Fact]
    public async Task Forecasts_Json_NamesEachPoolWithItsForecast()
    {
        var run = await Ratelord.RunAsync("forecasts", "--url", daemon.Url, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var pools = run.Json().GetProperty("pools").EnumerateArray().ToList();
        Assert.All(SeededDaemon.PoolIds, id => Assert.Contains(pools, p => p.Text("pool_id") == id));
        Assert.All(pools, p => Assert.True(p.GetProperty("forecast").TryGetProperty("tte", out _)));
    }
}
