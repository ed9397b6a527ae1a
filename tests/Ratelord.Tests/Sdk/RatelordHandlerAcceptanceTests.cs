using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ratelord.Samples.FakeProvider;
using Ratelord.Sdk;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Sdk;

/// <summary>
/// The HttpClient handler end to end, as a user runs it: the daemon as its own process, the fake GitHub on loopback
/// enforcing 100 calls per 10 s on the real clock, and code that only makes plain calls through a client of
/// <c>IHttpClientFactory</c> with <c>AddRatelord</c> on it. It takes about 100 s: ten windows of the provider.
/// </summary>
public sealed class RatelordHandlerAcceptanceTests : IAsyncDisposable
{
    private const string Identity = "pat:handler";
    private const int Calls = 1000;
    private const int Loops = 8;
    private const int Limit = 100;

    private readonly TempDirectory _work = new();
    private readonly FakeGitHubServer _provider =
        new(new FakeGitHubOptions { Limit = Limit, Window = TimeSpan.FromSeconds(10) });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _work.Dispose();
    }

    [Fact(Timeout = 10 * 60 * 1000)]
    public async Task ThousandCalls_ThroughTheHandler_NeverMeetA429_AndThePoolTracksTheProvidersHeaders()
    {
        await using var daemon = await DaemonProcess.StartAsync(_work.File("ratelord.db"));
        var providerAddress = await _provider.StartAsync(cancellationToken: Ct);
        var lastSent = new LatestCounters();
        var services = new ServiceCollection();
        services.AddRatelordClient(o => o.BaseAddress = daemon.BaseAddress);
        services.AddHttpClient("github", http => http.BaseAddress = providerAddress)
            .AddRatelord(o =>
            {
                o.AgentId = "handler-acceptance";
                o.IdentityId = Identity;
                o.WorkloadId = "repo_read";
                o.ScopeId = "repo:acme/web";
            })
            .AddHttpMessageHandler(() => new RecordingHandler(lastSent));
        await using var container = services.BuildServiceProvider(validateScopes: true);
        await container.GetRequiredService<IRatelordClient>()
            .RegisterIdentityAsync(new IdentityRegistration(Identity, "pat", "github"), Ct);
        var github = container.GetRequiredService<IHttpClientFactory>().CreateClient("github");

        var left = Calls;
        var ok = 0;
        var throttled = 0;
        var denied = 0;
        async Task LoopAsync()
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                while (true)
                {
                    try
                    {
                        using var response = await github.GetAsync("repos/acme/web", Ct);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            Interlocked.Increment(ref ok);
                        }
                        else if (response.StatusCode == HttpStatusCode.TooManyRequests)
                        {
                            Interlocked.Increment(ref throttled);
                        }

                        break;
                    }
                    catch (RatelordDeniedException deny)
                    {
                        // A deny is the daemon keeping the limit; the caller waits it out as the SDK's docs say.
                        Interlocked.Increment(ref denied);
                        await Task.Delay(deny.RetryAfter ?? TimeSpan.FromSeconds(1), Ct);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Loops).Select(_ => Task.Run(LoopAsync, Ct)));
        var pools = await daemon.Http.GetJsonAsync("/v1/pools");

        Assert.Equal(0, throttled);
        Assert.Equal(Calls, ok);
        Assert.Equal(Calls, _provider.TotalRequests);
        Assert.Equal(0, _provider.Throttled429);

        // The last calls open a window of their own (the ones before waited for its reset), so the window the
        // provider last reported on has most of its 10 s still to run when the pools are read.
        var sent = lastSent.Latest ?? throw new InvalidOperationException("No response reached the recorder.");
        var pool = pools.GetProperty("pools").EnumerateArray()
            .Single(p => p.GetProperty("pool_id").GetString() == $"github/core@{Identity}");
        var asOf = pools.GetProperty("as_of").GetDateTimeOffset();
        Assert.True(asOf < sent.ResetAt, $"The provider's window ended before the pools were read at {asOf:O}.");
        Assert.Equal(sent.Limit, pool.GetProperty("limit").GetDouble());
        Assert.Equal(sent.Remaining, pool.GetProperty("remaining").GetDouble());

        // The daemon reads a reset as seconds after the response's Date, which has whole seconds only, and counts
        // them from when it received the response: its reset may be up to a second after the provider's.
        var resetAt = pool.GetProperty("reset_at").GetDateTimeOffset();
        Assert.InRange(resetAt, sent.ResetAt, sent.ResetAt.AddSeconds(1));
        Assert.Equal(0, pool.GetProperty("reserved").GetDouble());
    }

    /// <summary>What the provider's headers said, for one response.</summary>
    private sealed record Counters(double Limit, double Remaining, DateTimeOffset ResetAt);

    /// <summary>
    /// The provider's latest counters: of every response seen, the one of the latest window and, within it, the
    /// lowest remaining. Responses of concurrent calls arrive in any order, so the last to arrive is not the latest.
    /// </summary>
    private sealed class LatestCounters
    {
        private readonly Lock _sync = new();

        public Counters? Latest { get; private set; }

        public void Saw(HttpResponseMessage response)
        {
            string Header(string name) => response.Headers.GetValues(name).Single();

            var reset = long.Parse(Header("x-ratelimit-reset"), CultureInfo.InvariantCulture);
            var seen = new Counters(
                double.Parse(Header("x-ratelimit-limit"), CultureInfo.InvariantCulture),
                double.Parse(Header("x-ratelimit-remaining"), CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeSeconds(reset));
            lock (_sync)
            {
                if (Latest is null
                    || seen.ResetAt > Latest.ResetAt
                    || (seen.ResetAt == Latest.ResetAt && seen.Remaining < Latest.Remaining))
                {
                    Latest = seen;
                }
            }
        }
    }

    /// <summary>Sits between the Ratelord handler and the network, and records each response of the provider.</summary>
    private sealed class RecordingHandler(LatestCounters counters) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            counters.Saw(response);

            return response;
        }
    }
}
