using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ratelord.Tests.Sdk;

/// <summary>A request the stub daemon received.</summary>
internal sealed record StubRequest(string Method, string Path, JsonElement? Body);

/// <summary>
/// A stand-in for the daemon's HTTP API on 127.0.0.1:0, answering whatever the test tells it to, so the SDK is tested
/// over real HTTP against each answer the contract allows, including the ones a healthy daemon rarely gives.
/// </summary>
internal sealed class StubDaemon : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubDaemon(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public ConcurrentQueue<StubRequest> Received { get; } = new();

    /// <summary>Starts a stub whose every request is answered by <paramref name="answer"/>.</summary>
    public static async Task<StubDaemon> StartAsync(Func<HttpContext, StubRequest, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        StubDaemon? stub = null;
        app.Run(async context =>
        {
            var request = await ReadAsync(context.Request);
            stub!.Received.Enqueue(request);
            await answer(context, request);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        stub = new StubDaemon(app, new Uri(app.Urls.First() + "/"));

        return stub;
    }

    /// <summary>Starts a stub that answers every request with one status and JSON body.</summary>
    public static Task<StubDaemon> AnsweringAsync(int status, string json, string contentType = "application/json") =>
        StartAsync((context, _) => WriteAsync(context, status, json, contentType));

    public static async Task WriteAsync(
        HttpContext context,
        int status,
        string json,
        string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(json, Encoding.UTF8);
    }

    /// <summary>A loopback address where nothing listens: the port was free a moment ago and is closed again.</summary>
    public static Uri UnusedAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        return new Uri($"http://127.0.0.1:{port}/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<StubRequest> ReadAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        JsonElement? body = text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();

        return new StubRequest(request.Method, request.Path.Value ?? "/", body);
    }
}
