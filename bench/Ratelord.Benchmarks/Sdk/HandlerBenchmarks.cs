using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Ratelord.Host;
using Ratelord.Host.Configuration;
using Ratelord.Samples.FakeProvider;
using Ratelord.Sdk;
using Ratelord.Sdk.Http;

namespace Ratelord.Benchmarks.Sdk;

/// <summary>
/// What <see cref="RatelordHandler"/> adds to one GET: the same <c>IHttpClientFactory</c> client calling a GitHub-like
/// provider on loopback, once without the handler (the baseline) and once with it, governed by a daemon in this
/// process (real Kestrel on loopback, a real SQLite log) or by the embedded engine.
/// </summary>
/// <remarks>
/// <para>
/// Governed by the daemon, one GET becomes three exchanges: the intent, the GET, and the outcome with the provider's
/// headers. The daemon answers the intent and the outcome only after their events are committed, so its SQLite
/// synchronous setting is part of the price; both settings it offers are measured, each with its own daemon. The
/// embedded engine decides and settles in the process, on its in-memory log.
/// </para>
/// <para>
/// The provider allows as many calls as an <see cref="int"/> holds per day, so the pool never runs low, and the set-up
/// gives each Ratelord ten minutes of readings of it and then calls until its decisions are plain approvals. Every
/// measured call checks its decision: a wait, a deferral or a deny fails the run rather than being timed.
/// </para>
/// <para>
/// Everything runs in one process on the same cores, so the timings hold the daemon's and the provider's work as
/// well as the client's, and the allocations count all three.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class HandlerBenchmarks
{
    private const string RequestPath = "repos/acme/api";

    /// <summary>How far back the seeded readings of the pool go, one a minute.</summary>
    private const int SeedMinutes = 10;

    /// <summary>Plain approvals in a row that show a client's pool is known and its forecast settled.</summary>
    private const int SettledApprovals = 200;

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The provider's window: a day, so that what the pool holds (as many calls as an <see cref="int"/> holds) is far
    /// more than the calls of a run at any rate the forecast could expect.
    /// </summary>
    private static readonly TimeSpan ProviderWindow = TimeSpan.FromDays(1);

    /// <summary>The intent of every governed call: a repository read by one agent, charged to one token.</summary>
    private static readonly Intent Intent = new("bench-agent", "pat:bench", "repo_read", "repo:acme/api");

    private readonly List<ServiceProvider> _containers = [];
    private readonly List<WebApplication> _daemons = [];
    private FakeGitHubServer _provider = null!;
    private string _directory = "";
    private HttpClient _plain = null!;
    private HttpClient _daemonHealth = null!;
    private HttpClient _daemonFull = null!;
    private HttpClient _daemonNormal = null!;
    private HttpClient _embedded = null!;

    [GlobalSetup]
    public void Start() => StartAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Stop() => StopAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "GET, no handler")]
    public async Task<HttpStatusCode> Plain()
    {
        using var response = await _plain.GetAsync(RequestPath);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The provider answered {(int)response.StatusCode}.");
        }

        return response.StatusCode;
    }

    /// <summary>
    /// One exchange with the daemon that decides nothing and writes nothing: the floor of each of the two exchanges
    /// the handler adds, so that the rest of their cost can be told apart from loopback HTTP.
    /// </summary>
    [Benchmark(Description = "GET /v1/health of the daemon")]
    public async Task<HttpStatusCode> DaemonHealth()
    {
        using var response = await _daemonHealth.GetAsync("v1/health");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The daemon's health answered {(int)response.StatusCode}.");
        }

        return response.StatusCode;
    }

    [Benchmark(Description = "GET + handler, daemon, sync full")]
    public Task<HttpStatusCode> DaemonSyncFull() => GovernedGetAsync(_daemonFull);

    [Benchmark(Description = "GET + handler, daemon, sync normal")]
    public Task<HttpStatusCode> DaemonSyncNormal() => GovernedGetAsync(_daemonNormal);

    [Benchmark(Description = "GET + handler, embedded (memory)")]
    public Task<HttpStatusCode> Embedded() => GovernedGetAsync(_embedded);

    /// <summary>A governed GET; it fails unless approved without a wait and answered 200 by the provider.</summary>
    private static async Task<HttpStatusCode> GovernedGetAsync(HttpClient client)
    {
        using var response = await client.GetAsync(RequestPath);
        var decision = response.RequestMessage?.GetRatelordDecision();
        if (response.StatusCode != HttpStatusCode.OK || decision is not { Verdict: Verdict.Approve })
        {
            throw new InvalidOperationException(
                $"The call was decided {decision?.Verdict} ({decision?.Reason}, delay {decision?.Delay}) and the "
                + $"provider answered {(int)response.StatusCode}; the benchmark measures plain approvals only.");
        }

        return response.StatusCode;
    }

    private async Task StartAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "ratelord-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);

        // The daemon ships no appsettings.json, so ASP.NET Core would write five console lines for every request it
        // serves; an operator turns them down the same way, and the benchmark would otherwise time the console.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Microsoft.AspNetCore", "Warning");

        _provider = new FakeGitHubServer(new FakeGitHubOptions { Limit = int.MaxValue, Window = ProviderWindow });
        var providerAddress = await _provider.StartAsync();

        _plain = Client(new ServiceCollection(), providerAddress, governed: false).Http;
        _daemonFull = await DaemonClientAsync(providerAddress, synchronousFull: true);
        _daemonHealth = Client(new ServiceCollection(), new Uri(_daemons[0].Urls.First()), governed: false).Http;
        _daemonNormal = await DaemonClientAsync(providerAddress, synchronousFull: false);
        _embedded = await GovernedClientAsync(new ServiceCollection().AddRatelordEmbedded(), providerAddress);
    }

    private async Task<HttpClient> DaemonClientAsync(Uri providerAddress, bool synchronousFull)
    {
        var daemon = await DaemonApp.StartAsync(new DaemonSettings
        {
            Port = 0,
            DbPath = Path.Combine(_directory, $"ratelord-{(synchronousFull ? "full" : "normal")}.db"),
            SynchronousFull = synchronousFull,
        });
        _daemons.Add(daemon);

        var services = new ServiceCollection();
        services.AddRatelordClient(o => o.BaseAddress = new Uri(daemon.Urls.First()));

        return await GovernedClientAsync(services, providerAddress);
    }

    /// <summary>The governed client of <paramref name="services"/>: identity registered, pool settled.</summary>
    private async Task<HttpClient> GovernedClientAsync(IServiceCollection services, Uri providerAddress)
    {
        var (http, container) = Client(services, providerAddress, governed: true);
        var ratelord = container.GetRequiredService<IRatelordClient>();
        await ratelord.RegisterIdentityAsync(new IdentityRegistration(Intent.IdentityId, "pat", "github"));
        await SeedAsync(ratelord);
        await SettleAsync(http);

        return http;
    }

    private (HttpClient Http, ServiceProvider Container) Client(
        IServiceCollection services,
        Uri providerAddress,
        bool governed)
    {
        var builder = services.AddHttpClient("github", http => http.BaseAddress = providerAddress);
        if (governed)
        {
            builder.AddRatelord(o =>
            {
                o.AgentId = Intent.AgentId;
                o.IdentityId = Intent.IdentityId;
                o.WorkloadId = Intent.WorkloadId;
                o.ScopeId = Intent.ScopeId;
                o.Provider = "github";
            });
        }

        var container = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _containers.Add(container);

        return (container.GetRequiredService<IHttpClientFactory>().CreateClient("github"), container);
    }

    /// <summary>
    /// Ten minutes of readings of an untouched pool, one a minute, dated as the provider would have dated them.
    /// Without them the forecast starts cold: it assumes the pool may burn its whole limit by the reset, calls that
    /// pool at risk, and paces every call for the two minutes it needs to gather evidence of its own.
    /// </summary>
    private static async Task SeedAsync(IRatelordClient ratelord)
    {
        var now = DateTimeOffset.UtcNow;
        for (var minute = SeedMinutes; minute >= 0; minute--)
        {
            var date = now.AddMinutes(-minute);
            var decision = await ratelord.NegotiateAsync(Intent);
            if (!decision.IsApproved)
            {
                throw new InvalidOperationException(
                    $"A seeding intent was denied ({decision.Reason}); the pool cannot be seeded through it.");
            }

            await ratelord.ReportOutcomeAsync(
                decision.IntentId,
                Outcome.FromStatus(200, UntouchedPoolHeaders(date), provider: "github"));
        }
    }

    /// <summary>GitHub's headers for a full pool at <paramref name="date"/>, with the provider's reset.</summary>
    private static List<KeyValuePair<string, string>> UntouchedPoolHeaders(DateTimeOffset date)
    {
        var window = ProviderWindow.Ticks;
        var reset = DateTimeOffset.UnixEpoch.AddTicks(((date - DateTimeOffset.UnixEpoch).Ticks / window + 1) * window);
        var limit = int.MaxValue.ToString(CultureInfo.InvariantCulture);

        return
        [
            new("date", date.ToString("R", CultureInfo.InvariantCulture)),
            new("x-ratelimit-limit", limit),
            new("x-ratelimit-remaining", limit),
            new("x-ratelimit-used", "0"),
            new("x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("x-ratelimit-resource", "core"),
        ];
    }

    /// <summary>
    /// Calls until the decisions are plain approvals, so that the first measured call meets a pool whose readings
    /// come from the provider itself.
    /// </summary>
    private static async Task SettleAsync(HttpClient client)
    {
        var deadline = DateTimeOffset.UtcNow + SettleTimeout;
        var inARow = 0;
        Decision? last = null;
        while (inARow < SettledApprovals)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new InvalidOperationException(
                    $"The decisions did not settle to plain approvals within {SettleTimeout.TotalSeconds} s; the last "
                    + $"was {last?.Verdict} ({last?.Reason}, delay {last?.Delay}).");
            }

            using var response = await client.GetAsync(RequestPath);
            last = response.RequestMessage?.GetRatelordDecision();
            inARow = last is { Verdict: Verdict.Approve } && response.StatusCode == HttpStatusCode.OK ? inARow + 1 : 0;
        }
    }

    private async Task StopAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync();
        }

        foreach (var daemon in _daemons)
        {
            await daemon.StopAsync();
            try
            {
                await daemon.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
                // The daemon disposes its writer twice on the way down; it has stopped either way, and the figures
                // are already taken.
            }
        }

        await _provider.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
