using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace Ratelord.Browser.Tests;

/// <summary>The web dashboard the daemon serves at <c>/</c>, driven in headless Chromium.</summary>
public sealed class DashboardTests(DashboardFixture dashboard) : IClassFixture<DashboardFixture>
{
    /// <summary>How soon a decision must show in the live list, from the moment the daemon answered it.</summary>
    private static readonly TimeSpan LiveWithin = TimeSpan.FromSeconds(1);

    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 30_000 };

    [Fact]
    public async Task Overview_ListsThePoolsOfTheRunningDaemon_WithTheirStatus()
    {
        var statuses = await PoolStatusesAsync();
        var (page, errors) = await dashboard.OpenAsync("#/");

        foreach (var id in DashboardFixture.PoolIds)
        {
            var row = page.Locator($"#pools-table tr[data-pool='{id}']");
            await Assertions.Expect(row).ToBeVisibleAsync(Visible);
            await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync(statuses[id]);
            await Assertions.Expect(row.Locator($".badge.status-{statuses[id]}")).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.Locator("#health-text")).ToContainTextAsync("overall");
        await DashboardFixture.ScreenshotAsync(page, "overview");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Decisions_ADecisionMadeDuringTheTest_AppearsInTheLiveListWithinASecond_WithoutAReload()
    {
        var (page, errors) = await dashboard.OpenAsync("#/decisions");
        await Assertions.Expect(page.Locator("#decisions-table tr[data-verdict='deny_with_reason']").First)
            .ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.Locator("#live[data-live='true']")).ToBeVisibleAsync(Visible);
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        var agent = "live-" + Guid.NewGuid().ToString("N")[..8];
        var decision = await dashboard.SubmitIntentAsync(agent, "pat:ci-bot");
        var decidedAt = Stopwatch.StartNew();
        var intentId = decision.GetProperty("intent_id").GetString();
        var row = page.Locator($"#decisions-table tr[data-intent='{intentId}']");
        await row.WaitForAsync(new LocatorWaitForOptions { Timeout = (float)LiveWithin.TotalMilliseconds });
        var shownAfter = decidedAt.Elapsed;

        Assert.True(shownAfter <= LiveWithin, $"shown after {shownAfter.TotalMilliseconds} ms");
        Assert.True(
            await page.EvaluateAsync<bool>("() => window.__sameDocument === true"),
            "the page was not reloaded");
        await Assertions.Expect(row).ToContainTextAsync(agent);
        await Assertions.Expect(row.Locator(".badge.verdict-approve")).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "decisions");

        // Each decision opens its explanation; the filters narrow the list.
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("#explanation"))
            .ToContainTextAsync("Approved", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#drawer-body")).ToContainTextAsync(agent);
        await DashboardFixture.ScreenshotAsync(page, "decision-explanation");
        await page.ClickAsync("#drawer-close");
        await page.SelectOptionAsync("#f-verdict", "deny_with_reason");
        await Assertions.Expect(row).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#decisions-table tr[data-verdict='deny_with_reason']").First)
            .ToBeVisibleAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task PoolDetail_ShowsItsChart_WithRemainingOverTimeTheForecastConeAndTheReset()
    {
        var id = DashboardFixture.PoolIds[0];
        var (page, errors) = await dashboard.OpenAsync("#/pool/" + Uri.EscapeDataString(id));

        await Assertions.Expect(page.Locator("#pool-chart canvas")).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.Locator("#pool-decisions tr[data-intent]").First).ToBeVisibleAsync(Visible);
        var chart = await page.EvaluateAsync<JsonElement>(
            """
            () => {
              const option = echarts.getInstanceByDom(document.getElementById('pool-chart')).getOption();
              return {
                series: Object.fromEntries(option.series.map((s) => [s.name, s.data.length])),
                marks: option.series[0].markLine.data.map((m) => m.label.formatter),
              };
            }
            """);
        await DashboardFixture.ScreenshotAsync(page, "pool-detail");

        var series = chart.GetProperty("series");
        Assert.True(series.GetProperty("remaining").GetInt32() >= 3, chart.ToString());
        Assert.True(series.GetProperty("P50").GetInt32() >= 2, chart.ToString());
        Assert.True(series.GetProperty("P99").GetInt32() >= 2, chart.ToString());
        Assert.True(series.GetProperty("cone P50–P99").GetInt32() >= 2, chart.ToString());
        Assert.Equal(["now", "reset"], chart.GetProperty("marks").EnumerateArray().Select(m => m.GetString()));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("graph", "#graph-chart canvas", null)]
    [InlineData("identities", "#identities-table", "pat:crawler")]
    [InlineData("policy", "main", "never-run-dry")]
    [InlineData("health", "#batch-chart canvas", null)]
    public async Task EveryOtherPage_Renders_WithoutScriptErrors(string page, string selector, string? text)
    {
        var (tab, errors) = await dashboard.OpenAsync("#/" + page);

        var content = tab.Locator(selector).First;
        await Assertions.Expect(content).ToBeVisibleAsync(Visible);
        if (text is not null)
        {
            await Assertions.Expect(content).ToContainTextAsync(text);
        }

        if (page == "health")
        {
            await Assertions.Expect(tab.Locator("#health-tiles")).ToContainTextAsync("Database size");
        }

        await DashboardFixture.ScreenshotAsync(tab, page);
        Assert.Empty(errors);
    }

    private async Task<Dictionary<string, string>> PoolStatusesAsync()
    {
        using var pools = JsonDocument.Parse(await dashboard.Http.GetStringAsync("/v1/pools"));

        return pools.RootElement.GetProperty("pools").EnumerateArray()
            .ToDictionary(p => p.GetProperty("pool_id").GetString()!, p => p.GetProperty("status").GetString()!);
    }
}
