using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Ratelord.Samples.FakeProvider;

/// <summary>
/// A GitHub-like API on loopback that enforces a real fixed-window limit and answers every request, whatever its
/// path, with GitHub's rate-limit headers: <c>x-ratelimit-limit</c>, <c>-remaining</c>, <c>-used</c>,
/// <c>-reset</c> (epoch seconds of the window's end) and <c>-resource</c>, plus a <c>date</c> from its own clock.
/// Past the limit it answers 429 with <c>retry-after</c>, as GitHub does.
/// </summary>
/// <remarks>Tests host it in-process on port 0 and move its clock with a fake <see cref="TimeProvider"/>.</remarks>
public sealed class FakeGitHubServer : IAsyncDisposable
{
    /// <summary>GitHub writes its JSON in snake_case.</summary>
    private static readonly JsonSerializerOptions GitHubJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly FakeGitHubOptions _options;
    private readonly TimeProvider _time;
    private readonly FixedWindowCounter _counter;
    private WebApplication? _app;
    private long _totalRequests;
    private long _throttled;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="options">The limit to enforce; null for 100 requests per 10-second window.</param>
    /// <param name="timeProvider">The clock of the windows and the date header; null for the system clock.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public FakeGitHubServer(FakeGitHubOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new FakeGitHubOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _counter = new FixedWindowCounter(_options.Limit, _options.Window);
    }

    /// <summary>The address it listens on, once started.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Every request it has answered.</summary>
    public long TotalRequests => Interlocked.Read(ref _totalRequests);

    /// <summary>The requests it answered with 429 because the window was full.</summary>
    public long Throttled429 => Interlocked.Read(ref _throttled);

    /// <summary>Starts listening on 127.0.0.1.</summary>
    /// <param name="port">The port; 0 lets the system pick a free one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The bound address, for example <c>http://127.0.0.1:9091/</c>.</returns>
    public async Task<Uri> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        if (_app is not null)
        {
            throw new InvalidOperationException("The fake GitHub server is already started.");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });

        // Request logs of a load test would drown the one line that matters; warnings and errors still show.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var app = builder.Build();
        app.Run(AnswerAsync);
        await app.StartAsync(cancellationToken);

        var bound = app.Urls.First();
        _app = app;
        Address = new Uri(bound.EndsWith('/') ? bound : bound + "/");

        return Address;
    }

    /// <summary>Blocks until the server stops, for example on Ctrl+C when it runs as a program.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        _app?.WaitForShutdownAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Stops listening; answers in flight finish first.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        Interlocked.Increment(ref _totalRequests);
        var now = _time.GetUtcNow();
        var admission = _counter.Admit(now);

        var headers = context.Response.Headers;
        headers.Date = now.ToString("R", CultureInfo.InvariantCulture);
        headers["x-ratelimit-limit"] = Number(_options.Limit);
        headers["x-ratelimit-remaining"] = Number(admission.Remaining);
        headers["x-ratelimit-used"] = Number(admission.Used);
        headers["x-ratelimit-reset"] = Number(admission.ResetAt.ToUnixTimeSeconds());
        headers["x-ratelimit-resource"] = _options.Resource;
        context.Response.ContentType = "application/json; charset=utf-8";

        if (!admission.Allowed)
        {
            Interlocked.Increment(ref _throttled);

            // Whole seconds, rounded up: a client that waits exactly this long lands in the next window.
            var retryAfter = Math.Max(1, (long)Math.Ceiling((admission.ResetAt - now).TotalSeconds));
            headers.RetryAfter = Number(retryAfter);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await context.Response.WriteAsync(
                "{\"message\":\"API rate limit exceeded.\","
                + "\"documentation_url\":\"https://docs.github.com/rest/using-the-rest-api/"
                + "rate-limits-for-the-rest-api\"}");

            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(RepositoryAnswer.Of(context.Request.Path), GitHubJson);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The body of a successful answer: enough of a repository to look like one.</summary>
    private sealed record RepositoryAnswer(string FullName, string Name, bool Private)
    {
        public static RepositoryAnswer Of(PathString path)
        {
            var fullName = path.StartsWithSegments("/repos", out var rest) ? rest.Value!.TrimStart('/') : "acme/web";

            return new RepositoryAnswer(fullName, fullName[(fullName.LastIndexOf('/') + 1)..], false);
        }
    }
}
