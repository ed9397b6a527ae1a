using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ratelord.Tests.Pollers;

/// <summary>What a provider answers: status, header lines in order, and a JSON body.</summary>
internal sealed record Answer(int Status, IReadOnlyList<(string Name, string Value)> Headers, string? Body);

/// <summary>One request the provider received.</summary>
internal sealed record Received(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A provider on loopback, on real Kestrel: answers every request with what <see cref="Respond"/>
/// says, records what it received, and can be stopped to play an outage.
/// </summary>
internal sealed class LoopbackProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private bool _stopped;

    private LoopbackProvider(WebApplication app, Func<Received, Answer> respond)
    {
        _app = app;
        Respond = respond;
    }

    /// <summary>How the provider answers; a test may swap it to change the provider's behaviour.</summary>
    public Func<Received, Answer> Respond { get; set; }

    public Uri BaseAddress => new(_app.Urls.First());

    public IReadOnlyCollection<Received> Requests => _received;

    public static async Task<LoopbackProvider> StartAsync(Func<Received, Answer> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new LoopbackProvider(app, respond);
        app.Run(provider.HandleAsync);
        await app.StartAsync();

        return provider;
    }

    /// <summary>Stops listening: from now on every poll meets a refused connection.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(
            h => h.Key,
            h => h.Value.ToString(),
            StringComparer.OrdinalIgnoreCase);
        var path = context.Request.Path + context.Request.QueryString;
        var received = new Received(context.Request.Method, path, headers, body);
        _received.Enqueue(received);

        var answer = Respond(received);
        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            context.Response.Headers.Append(name, value);
        }

        if (answer.Body is { } json)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(json);
        }
    }
}

/// <summary>Answers in the providers' own formats, as their APIs send them today.</summary>
internal static class ProviderAnswers
{
    public static string HttpDate(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    public static long Epoch(DateTimeOffset at) => at.ToUnixTimeSeconds();

    /// <summary>
    /// GitHub's <c>GET /rate_limit</c>: free of charge, one object per resource with its reset as epoch
    /// seconds, the deprecated <c>rate</c> object, and the core resource's headers.
    /// </summary>
    public static Answer GitHubRateLimit(DateTimeOffset now, long coreReset, long searchReset, long graphqlReset)
    {
        var body = JsonSerializer.Serialize(new
        {
            resources = new Dictionary<string, object>
            {
                ["core"] = new { limit = 5000, used = 1, remaining = 4999, reset = coreReset },
                ["search"] = new { limit = 30, used = 12, remaining = 18, reset = searchReset },
                ["graphql"] = new { limit = 5000, used = 7, remaining = 4993, reset = graphqlReset },
                ["integration_manifest"] = new { limit = 5000, used = 0, remaining = 5000, reset = coreReset },
                ["code_search"] = new { limit = 10, used = 0, remaining = 10, reset = searchReset },
            },
            rate = new { limit = 5000, used = 1, remaining = 4999, reset = coreReset },
        });

        return new Answer(
            200,
            [
                ("Date", HttpDate(now)),
                ("Cache-Control", "no-cache"),
                ("X-GitHub-Media-Type", "github.v3; format=json"),
                ("x-github-api-version-selected", "2022-11-28"),
                ("X-RateLimit-Limit", "5000"),
                ("X-RateLimit-Remaining", "4999"),
                ("X-RateLimit-Reset", coreReset.ToString(CultureInfo.InvariantCulture)),
                ("X-RateLimit-Used", "1"),
                ("X-RateLimit-Resource", "core"),
                ("X-GitHub-Request-Id", "CB3E:2D7A:1E4F5A:3C1B2D:6572F0A1"),
            ],
            body);
    }

    /// <summary>GitHub refusing a token.</summary>
    public static Answer GitHubBadCredentials(DateTimeOffset now, string? echo = null) => new(
        401,
        [("Date", HttpDate(now)), ("X-GitHub-Media-Type", "github.v3; format=json")],
        JsonSerializer.Serialize(new
        {
            message = echo is null ? "Bad credentials" : $"Bad credentials: {echo}",
            documentation_url = "https://docs.github.com/rest",
            status = "401",
        }));

    /// <summary>GitHub's secondary rate limit: a 403 while the primary pool has plenty left.</summary>
    public static Answer GitHubSecondaryLimit(DateTimeOffset now, long coreReset) => new(
        403,
        [
            ("Date", HttpDate(now)),
            ("Retry-After", "1"),
            ("X-RateLimit-Limit", "5000"),
            ("X-RateLimit-Remaining", "4990"),
            ("X-RateLimit-Reset", coreReset.ToString(CultureInfo.InvariantCulture)),
            ("X-RateLimit-Used", "10"),
            ("X-RateLimit-Resource", "core"),
        ],
        JsonSerializer.Serialize(new
        {
            message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            documentation_url = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        }));

    /// <summary>An OpenAI chat completion of one token, with its rate-limit headers (resets as Go durations).</summary>
    public static Answer OpenAiCompletion(DateTimeOffset now) => new(
        200,
        [
            ("Date", HttpDate(now)),
            ("openai-organization", "user-abc123"),
            ("openai-processing-ms", "212"),
            ("openai-version", "2020-10-01"),
            ("x-ratelimit-limit-requests", "10000"),
            ("x-ratelimit-limit-tokens", "2000000"),
            ("x-ratelimit-remaining-requests", "9999"),
            ("x-ratelimit-remaining-tokens", "1999990"),
            ("x-ratelimit-reset-requests", "17.28s"),
            ("x-ratelimit-reset-tokens", "6m0s"),
            ("x-request-id", "req_8b1c0f2e9d7a4c3b"),
        ],
        """
        {"id":"chatcmpl-1","object":"chat.completion","created":1796299200,"model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":"P"},"finish_reason":"length"}],
         "usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9}}
        """);

    /// <summary>An Anthropic message of one token, with its rate-limit headers (resets as RFC 3339 times).</summary>
    public static Answer AnthropicMessage(DateTimeOffset now) => new(
        200,
        [
            ("Date", HttpDate(now)),
            ("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy"),
            ("anthropic-organization-id", "6b6b0f6e-0000-4000-8000-000000000000"),
            ("anthropic-ratelimit-requests-limit", "4000"),
            ("anthropic-ratelimit-requests-remaining", "3999"),
            ("anthropic-ratelimit-requests-reset", Rfc3339(now.AddSeconds(30))),
            ("anthropic-ratelimit-input-tokens-limit", "400000"),
            ("anthropic-ratelimit-input-tokens-remaining", "399990"),
            ("anthropic-ratelimit-input-tokens-reset", Rfc3339(now.AddSeconds(2))),
            ("anthropic-ratelimit-output-tokens-limit", "80000"),
            ("anthropic-ratelimit-output-tokens-remaining", "79999"),
            ("anthropic-ratelimit-output-tokens-reset", Rfc3339(now.AddSeconds(2))),
            ("anthropic-ratelimit-tokens-limit", "480000"),
            ("anthropic-ratelimit-tokens-remaining", "479989"),
            ("anthropic-ratelimit-tokens-reset", Rfc3339(now.AddSeconds(2))),
        ],
        """
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
         "content":[{"type":"text","text":"P"}],"stop_reason":"max_tokens",
         "usage":{"input_tokens":8,"output_tokens":1}}
        """);

    public static string Rfc3339(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);
}
