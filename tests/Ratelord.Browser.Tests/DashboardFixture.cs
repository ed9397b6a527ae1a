using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Ratelord.Host;
using Ratelord.Host.Configuration;

namespace Ratelord.Browser.Tests;

/// <summary>
/// A running daemon with something to show, and a headless Chromium to look at its dashboard: the daemon on real
/// Kestrel and a real SQLite file, the browser Debian's own <c>/usr/bin/chromium</c> driven by Playwright.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    public const string Policy = """
        workloads:
          repo_scan: { pools: [ { provider: github, pool: core, cost: 1 } ] }
        policies:
          - id: global-safety
            scope: global
            rules:
              - name: never-run-dry
                condition: "risk.p_exhaustion > 0.99 and intent.urgency == 'background'"
                action: shape
        """;

    /// <summary>The pools the daemon was given readings for, and the one whose detail the tests open.</summary>
    public static readonly string[] PoolIds =
    [
        "github/core@pat:ci-bot", "github/search@pat:ci-bot", "github/core@pat:crawler", "openai/requests@key:openai",
    ];

    private readonly string _directory = Path.Combine(
        Path.GetTempPath(),
        "ratelord-browser-tests",
        Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where each page's screenshot is saved: <c>screenshots/</c> beside the test binaries.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException(
                $"{Chromium} is missing: the dashboard is tested in Debian's Chromium (apt-get install -y chromium).");
        }

        Directory.CreateDirectory(_directory);
        Directory.CreateDirectory(Screenshots);
        var policyPath = Path.Combine(_directory, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, Policy);
        _app = await DaemonApp.StartAsync(new DaemonSettings
        {
            Port = 0,
            DbPath = Path.Combine(_directory, "ratelord.db"),
            PolicyPath = policyPath,
        });
        BaseAddress = new Uri(_app.Urls.First());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        await SeedAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A fresh page, 1400 × 900, whose script errors are collected.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(string hash)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        await page.GotoAsync(new Uri(BaseAddress, "/" + hash).ToString());

        return (page, errors);
    }

    /// <summary>Saves a screenshot of the whole page under <see cref="Screenshots"/>.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(Screenshots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });

        return path;
    }

    /// <summary>Submits an intent as an agent would and returns the daemon's answer.</summary>
    public async Task<JsonElement> SubmitIntentAsync(string agentId, string identityId, double? maxWait = null)
    {
        using var response = await Http.PostAsJsonAsync("/v1/intent", new Dictionary<string, object?>
        {
            ["agent_id"] = agentId,
            ["identity_id"] = identityId,
            ["workload_id"] = "default",
            ["scope_id"] = "global",
            ["urgency"] = "high",
            ["max_wait_seconds"] = maxWait,
        });

        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            try
            {
                await _app.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
                // The daemon disposes its writer twice on the way down; it has stopped either way.
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp folder is swept anyway.
        }
    }

    private async Task SeedAsync()
    {
        await RegisterAsync("pat:ci-bot", "pat", "github");
        await RegisterAsync("pat:crawler", "pat", "github");
        await RegisterAsync("key:openai", "api_key", "openai");

        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        foreach (var remaining in new[] { 4990, 4960, 4930 })
        {
            await ObserveGitHubAsync("pat:ci-bot", now, 5000, remaining, now.AddMinutes(3));
        }

        await ObserveGitHubAsync("pat:ci-bot", now, 30, 12, now.AddSeconds(50), "search");
        await ObserveGitHubAsync("pat:crawler", now, 5000, 0, now.AddMinutes(40));
        await ObserveAsync(new
        {
            provider = "openai",
            identity_id = "key:openai",
            status = 200,
            headers = new[]
            {
                new[] { "date", now.ToString("r", CultureInfo.InvariantCulture) },
                new[] { "x-ratelimit-limit-requests", "500" },
                new[] { "x-ratelimit-remaining-requests", "480" },
                new[] { "x-ratelimit-reset-requests", "6m0s" },
            },
        });

        for (var i = 0; i < 3; i++)
        {
            await SubmitIntentAsync("crawler-01", "pat:ci-bot");
        }

        await SubmitIntentAsync("crawler-02", "pat:crawler", maxWait: 0);
        await SubmitIntentAsync("chat-bot", "key:openai");
    }

    private async Task RegisterAsync(string id, string kind, string provider)
    {
        using var response = await Http.PostAsJsonAsync(
            "/v1/identities", new { identity_id = id, kind, provider });
        await ExpectAsync(response, HttpStatusCode.Created);
    }

    private Task ObserveGitHubAsync(
        string identity,
        DateTimeOffset date,
        int limit,
        int remaining,
        DateTimeOffset reset,
        string resource = "core") =>
        ObserveAsync(new
        {
            provider = "github",
            identity_id = identity,
            status = 200,
            headers = new[]
            {
                new[] { "date", date.ToString("r", CultureInfo.InvariantCulture) },
                new[] { "x-ratelimit-limit", limit.ToString(CultureInfo.InvariantCulture) },
                new[] { "x-ratelimit-remaining", remaining.ToString(CultureInfo.InvariantCulture) },
                new[] { "x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                new[] { "x-ratelimit-resource", resource },
            },
        });

    private async Task ObserveAsync(object body)
    {
        using var response = await Http.PostAsJsonAsync("/v1/observations", body);
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException(
                $"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        }

        using var document = JsonDocument.Parse(text);

        return document.RootElement.Clone();
    }
}
