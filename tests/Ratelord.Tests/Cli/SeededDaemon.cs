using System.Text.Json;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

/// <summary>
/// A daemon with something to show: three identities, GitHub pools at ease, tight and empty, a policy file with
/// workloads and rules, and a few decisions (approvals and a denial). Shared by the tests of one class; each test
/// that changes it uses names of its own.
/// </summary>
public sealed class SeededDaemon : IAsyncLifetime
{
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

    private readonly TempDirectory _directory = new();

    public InProcessDaemon Daemon { get; private set; } = null!;

    /// <summary>The daemon's address as the command takes it.</summary>
    public string Url => Daemon.BaseAddress.ToString().TrimEnd('/');

    public HttpClient Http => Daemon.Http;

    public string PolicyPath => _directory.File("policy.yaml");

    /// <summary>A file path in the fixture's own folder.</summary>
    public string File(string name) => _directory.File(name);

    /// <summary>The pools the daemon was given readings for.</summary>
    public static readonly string[] PoolIds =
    [
        "github/core@pat:ci-bot", "github/search@pat:ci-bot", "github/core@pat:crawler",
    ];

    /// <summary>An agent whose intents were all approved.</summary>
    public const string ApprovedAgent = "crawler-01";

    /// <summary>An agent whose intent was denied: its identity's pool is empty until its reset.</summary>
    public const string DeniedAgent = "crawler-02";

    public async ValueTask InitializeAsync()
    {
        await System.IO.File.WriteAllTextAsync(PolicyPath, Policy);
        Daemon = await InProcessDaemon.StartAsync(_directory.File("ratelord.db"), PolicyPath);
        await Seed(Http);
    }

    /// <summary>Gives the daemon identities, readings and decisions.</summary>
    public static async Task Seed(HttpClient http)
    {
        await http.RegisterIdentityAsync("pat:ci-bot");
        await http.RegisterIdentityAsync("pat:crawler");
        await http.RegisterIdentityAsync("key:openai", provider: "openai", kind: "api_key");

        var now = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);
        await http.ObserveAsync(ProviderBodies.GitHub("pat:ci-bot", now, 5000, 4990, now.AddMinutes(2)));
        await http.ObserveAsync(ProviderBodies.GitHub(
            "pat:ci-bot",
            now,
            30,
            12,
            now.AddSeconds(50),
            resource: "search"));
        await http.ObserveAsync(ProviderBodies.GitHub("pat:crawler", now, 5000, 0, now.AddMinutes(40)));

        for (var i = 0; i < 3; i++)
        {
            await http.SubmitIntentAsync(ApprovedAgent, "pat:ci-bot", urgency: "high");
        }

        await http.SubmitIntentAsync(DeniedAgent, "pat:crawler", maxWaitSeconds: 0, urgency: "high");
    }

    /// <summary>The pools as <c>GET /v1/pools</c> reports them, by id.</summary>
    public async Task<Dictionary<string, JsonElement>> PoolsAsync() =>
        (await Http.GetJsonAsync("/v1/pools")).GetProperty("pools").EnumerateArray()
            .ToDictionary(p => p.Text("pool_id"), p => p);

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        _directory.Dispose();
    }
}
