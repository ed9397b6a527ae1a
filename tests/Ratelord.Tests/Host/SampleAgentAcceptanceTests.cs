using System.Text.Json;
using Ratelord.Samples.FakeProvider;
using Ratelord.Samples.SampleAgent;
using Ratelord.Sdk;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Host;

/// <summary>
/// The negotiation loop end to end, as a user runs it: the daemon as its own process on a SQLite
/// file, the fake GitHub-like provider enforcing 100 calls per 10 s fixed window, and the sample
/// agent asking before every call and reporting every response's headers.
/// </summary>
public sealed class SampleAgentAcceptanceTests : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ratelord-acceptance-");

    public void Dispose()
    {
        _http.Dispose();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task ThousandCalls_ThroughTheDaemon_NeverMeetA429()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var daemon = await DaemonProcess.StartAsync(Path.Combine(_folder.FullName, "ratelord.db"));
        await using var provider = new FakeGitHubServer(
            new FakeGitHubOptions { Limit = 100, Window = TimeSpan.FromSeconds(10) });
        var providerAddress = await provider.StartAsync(cancellationToken: cancellation);
        var runner = new SampleAgentRunner(
            new RatelordClient(_http, new RatelordClientOptions { BaseAddress = daemon.BaseAddress }),
            _http);

        var result = await runner.RunAsync(
            new SampleAgentOptions { ProviderAddress = providerAddress, Calls = 1000, Agents = 8 },
            cancellation);

        Assert.Equal(1000, result.Calls);
        Assert.Equal(1000, result.Ok);
        Assert.Equal(0, result.Throttled);
        Assert.Equal(0, provider.Throttled429);
        Assert.Equal(1000, provider.TotalRequests);

        // The daemon learned the pool from the provider's own headers.
        using var pools = JsonDocument.Parse(await daemon.Http.GetStringAsync("/v1/pools", cancellation));
        var pool = pools.RootElement.GetProperty("pools").EnumerateArray()
            .Single(p => p.GetProperty("pool_id").GetString() == "github/core@pat:sample");
        Assert.Equal(100, pool.GetProperty("limit").GetDouble());
        Assert.InRange(pool.GetProperty("remaining").GetDouble(), 0, 100);
    }
}
