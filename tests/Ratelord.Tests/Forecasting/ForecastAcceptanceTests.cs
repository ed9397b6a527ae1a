using System.Text.Json;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Forecasting;

/// <summary>
/// The forecast as an operator meets it: GitHub responses posted to <c>/v1/observations</c>, dated a
/// minute apart and posted one right after another, then <c>GET /v1/forecasts</c> and <c>GET /v1/pools</c>.
/// </summary>
public sealed class ForecastAcceptanceTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private InProcessDaemon _daemon = null!;

    public async ValueTask InitializeAsync() =>
        _daemon = await InProcessDaemon.StartAsync(_directory.File("forecast.db"));

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task PoolFallingByAHundredAMinute_ResetIn50Minutes_RunsDryInAbout40_AndIsLikelyTo()
    {
        await ObserveFallingPoolAsync("pat:far", resetAfterLastReading: TimeSpan.FromMinutes(50));

        var forecast = await ForecastOfAsync("github/core@pat:far");

        var p50 = forecast.GetProperty("tte").GetProperty("p50_s").GetDouble();
        Assert.InRange(p50, 40 * 60 * 0.9, 40 * 60 * 1.1);
        Assert.True(forecast.GetProperty("p_exhaustion").GetDouble() > 0.5, forecast.ToString());
        Assert.InRange(forecast.GetProperty("ttr_s").GetDouble(), 49 * 60, 50 * 60);
        Assert.True(forecast.GetProperty("margin_s").GetDouble() < 0, "P99 comes before the reset.");
        Assert.InRange(forecast.GetProperty("burn_rate").GetProperty("mean").GetDouble(), 1.5, 1.85);
        Assert.Equal("per_second", forecast.GetProperty("burn_rate").Text("unit"));
        Assert.Equal("window-rate/2", forecast.Text("model"));
        Assert.Equal("fixed_window", forecast.Text("refill"));
        Assert.False(forecast.GetProperty("stale").GetBoolean());
        Assert.Equal("critical", forecast.Text("status"));
    }

    [Fact]
    public async Task SamePool_ResetIn20Minutes_IsUnlikelyToRunDry()
    {
        await ObserveFallingPoolAsync("pat:near", resetAfterLastReading: TimeSpan.FromMinutes(20));

        var forecast = await ForecastOfAsync("github/core@pat:near");

        Assert.True(forecast.GetProperty("p_exhaustion").GetDouble() < 0.1, forecast.ToString());
        Assert.InRange(forecast.GetProperty("tte").GetProperty("p50_s").GetDouble(), 40 * 60 * 0.9, 40 * 60 * 1.1);
        Assert.True(forecast.GetProperty("margin_s").GetDouble() > 0, "P99 comes after the reset.");
        Assert.Equal("ok", forecast.Text("status"));
    }

    [Fact]
    public async Task PoolsList_ShowsTheSameForecast_AndForecastsShowTheSecondOpinionAndShares()
    {
        await ObserveFallingPoolAsync("pat:both", resetAfterLastReading: TimeSpan.FromMinutes(50));

        var pools = await _daemon.Http.GetJsonAsync("/v1/pools");
        var pool = pools.GetProperty("pools").EnumerateArray().Single(p => p.Text("pool_id") == "github/core@pat:both");
        var page = await _daemon.Http.GetJsonAsync("/v1/forecasts?pool_id=github/core@pat:both");
        var entry = page.GetProperty("pools").EnumerateArray().Single();

        Assert.Equal("window-rate/2", page.Text("decision_model"));
        Assert.Equal("trend-regression/1", entry.GetProperty("second_opinion").Text("model"));
        Assert.InRange(entry.GetProperty("second_opinion").GetProperty("tte").GetProperty("p50_s").GetDouble(), 2000,
            2800);
        Assert.True(pool.GetProperty("forecast").GetProperty("p_exhaustion").GetDouble() > 0.5);
        Assert.Equal("critical", pool.Text("status"));
        Assert.Equal(1.0, entry.GetProperty("outside_share").GetDouble(), 6);
        Assert.Empty(entry.GetProperty("identities").EnumerateArray());
        Assert.Equal(0, entry.GetProperty("drift").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task UnknownPool_IsA404_NamingTheField()
    {
        using var response = await _daemon.Http.GetAsync(
            "/v1/forecasts?pool_id=github/core@nobody",
            TestContext.Current.CancellationToken);

        var problem = await Api.AssertProblemAsync(response, 404, "pool_not_found");
        Assert.Contains("pool_id", Api.ErrorFields(problem));
    }

    /// <summary>Eleven readings from 5,000 down to 4,000, dated a minute apart, all naming one reset instant.</summary>
    private async Task ObserveFallingPoolAsync(string identityId, TimeSpan resetAfterLastReading)
    {
        await _daemon.Http.RegisterIdentityAsync(identityId);
        var last = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);
        var first = last.AddMinutes(-10);
        var reset = last + resetAfterLastReading;
        for (var i = 0; i <= 10; i++)
        {
            await _daemon.Http.ObserveAsync(ProviderBodies.GitHub(identityId, first.AddMinutes(i), 5000,
                5000 - (100 * i), reset));
        }
    }

    private async Task<JsonElement> ForecastOfAsync(string poolId)
    {
        var page = await _daemon.Http.GetJsonAsync($"/v1/forecasts?pool_id={Uri.EscapeDataString(poolId)}");

        return page.GetProperty("pools").EnumerateArray().Single().GetProperty("forecast");
    }
}
