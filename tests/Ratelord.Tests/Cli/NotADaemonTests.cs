using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ratelord.Tests.Cli;

/// <summary>
/// An address where some other HTTP server answers is not a daemon that has nothing to show: the command says so
/// and exits 3, as when nothing answers at all.
/// </summary>
public sealed class NotADaemonTests
{
    [Theory]
    [InlineData("GET /v1/health", "status")]
    [InlineData("GET /v1/health", "status", "--json")]
    [InlineData("GET /v1/pools", "pools")]
    [InlineData("GET /v1/pools", "pools", "--json")]
    [InlineData("GET /v1/identities", "identity", "list")]
    [InlineData("GET /v1/events", "events")]
    [InlineData("GET /v1/forecasts", "forecasts")]
    [InlineData("GET /v1/policy", "policy", "show")]
    public async Task EmptyJsonObject_IsNotARatelordDaemon(string request, params string[] command)
    {
        await using var server = await OtherServer.StartAsync("application/json", "{}");

        var run = await Ratelord.RunAsync([.. command, "--url", server.Url]);

        AssertNotADaemon(run, server.Url, request);
    }

    [Theory]
    [InlineData("GET /v1/health", "status")]
    [InlineData("GET /v1/pools", "pools")]
    [InlineData("GET /v1/identities", "identity", "list", "--json")]
    public async Task HtmlPage_IsNotARatelordDaemon(string request, params string[] command)
    {
        await using var server = await OtherServer.StartAsync(
            "text/html; charset=utf-8", "<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>");

        var run = await Ratelord.RunAsync([.. command, "--url", server.Url]);

        AssertNotADaemon(run, server.Url, request);
    }

    private static void AssertNotADaemon(CliRun run, string url, string request)
    {
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("", run.Output);
        var line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"ratelord: {url}", line);
        Assert.Contains("is not a Ratelord daemon", line);
        Assert.Contains(request, line);
    }

    /// <summary>An HTTP server on loopback that answers every request 200 with the same body.</summary>
    private sealed class OtherServer(WebApplication app) : IAsyncDisposable
    {
        public string Url => app.Urls.First().TrimEnd('/');

        public static async Task<OtherServer> StartAsync(string contentType, string body)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.Run(async context =>
            {
                context.Response.ContentType = contentType;
                await context.Response.WriteAsync(body);
            });
            await app.StartAsync();

            return new OtherServer(app);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
