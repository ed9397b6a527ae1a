using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ratelord.Samples.FakeProvider;
using Ratelord.Sdk;
using Ratelord.Sdk.Http;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Sdk;

/// <summary>
/// A governed HttpClient when the daemon goes away: by default no call goes out unchecked and the caller gets an
/// exception that says why and what to do; a caller that chose to fail open gets its calls through, and a warning
/// for each in the log.
/// </summary>
public sealed class FailureModeTests : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeGitHubServer _provider = new();
    private readonly ListLogger<RatelordClient> _log = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task DaemonStopped_CallsFailClosed_WithAClearException_AndALogLine()
    {
        await using var governed = await GovernedClientAsync(FailureMode.FailClosed);
        using (var before = await governed.Http.GetAsync("repos/acme/web", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await governed.StopDaemonAsync();
        var denied = await Assert.ThrowsAsync<RatelordDeniedException>(
            () => governed.Http.GetAsync("repos/acme/web", Ct));

        Assert.True(denied.IsDaemonUnreachable);
        Assert.Equal(DecisionReasons.DaemonUnreachable, denied.Reason);
        Assert.Equal(RatelordClientOptions.DefaultUnreachableRetryAfter, denied.RetryAfter);
        Assert.Contains("could not be asked", denied.Message, StringComparison.Ordinal);
        Assert.Contains("fails closed", denied.Message, StringComparison.Ordinal);
        Assert.Contains("FailOpen", denied.Message, StringComparison.Ordinal);
        Assert.Equal(1, _provider.TotalRequests);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(5001, warning.EventId.Id);
        Assert.Contains("failing closed", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DaemonStopped_CallsGoThrough_WithAWarning_WhenFailOpenIsChosen()
    {
        await using var governed = await GovernedClientAsync(FailureMode.FailOpen);
        using (var before = await governed.Http.GetAsync("repos/acme/web", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await governed.StopDaemonAsync();
        using var after = await governed.Http.GetAsync("repos/acme/web", Ct);
        using var again = await governed.Http.GetAsync("repos/acme/web", Ct);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(3, _provider.TotalRequests);
        Assert.True(after.RequestMessage!.GetRatelordDecision()!.IsFallback);
        var warnings = _log.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w =>
        {
            Assert.Equal(5002, w.EventId.Id);
            Assert.Contains("failing open", w.Message, StringComparison.Ordinal);
        });
    }

    private async Task<Governed> GovernedClientAsync(FailureMode mode)
    {
        var daemon = await InProcessDaemon.StartAsync(_directory.File("ratelord.db"));
        var provider = await _provider.StartAsync(cancellationToken: Ct);
        var services = new ServiceCollection();
        services.AddSingleton<ILogger<RatelordClient>>(_log);
        services.AddRatelordClient(o =>
        {
            o.BaseAddress = daemon.BaseAddress;
            o.FailureMode = mode;
        });
        services.AddHttpClient("github", http => http.BaseAddress = provider)
            .AddRatelord(o =>
            {
                o.AgentId = "failure-mode-test";
                o.IdentityId = "pat:failure";
            });
        var container = services.BuildServiceProvider();
        await container.GetRequiredService<IRatelordClient>()
            .RegisterIdentityAsync(new IdentityRegistration("pat:failure", "pat", "github"), Ct);

        return new Governed(daemon, container);
    }

    private sealed class Governed(InProcessDaemon daemon, ServiceProvider services) : IAsyncDisposable
    {
        private InProcessDaemon? _daemon = daemon;

        public HttpClient Http { get; } = services.GetRequiredService<IHttpClientFactory>().CreateClient("github");

        public async Task StopDaemonAsync()
        {
            if (_daemon is { } running)
            {
                _daemon = null;
                await running.DisposeAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopDaemonAsync();
            await services.DisposeAsync();
        }
    }
}
