using Microsoft.AspNetCore.Builder;
using Ratelord.Host;
using Ratelord.Host.Configuration;

namespace Ratelord.Tests.Infrastructure;

/// <summary>
/// The daemon in the test process: the same <see cref="DaemonApp"/> on real Kestrel and a real SQLite
/// file, reached over HTTP on loopback, without the cost of starting a process.
/// </summary>
public sealed class InProcessDaemon : IAsyncDisposable
{
    private InProcessDaemon(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public static async Task<InProcessDaemon> StartAsync(string dbPath, string? policyPath = null)
    {
        var app = await DaemonApp.StartAsync(new DaemonSettings { Port = 0, DbPath = dbPath, PolicyPath = policyPath });

        return new InProcessDaemon(app, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        try
        {
            await App.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
            // The daemon disposes its writer twice on the way down; LifecycleTests shows that on its own, so
            // the other tests here are not failed by it. The daemon has stopped either way.
        }
    }
}
