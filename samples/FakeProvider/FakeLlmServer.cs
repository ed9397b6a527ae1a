using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ratelord.Samples.FakeProvider;

/// <summary>The limits a <see cref="FakeLlmServer"/> enforces.</summary>
public sealed class FakeLlmOptions
{
    /// <summary>Requests allowed in one window. Default 20.</summary>
    public int RequestLimit { get; init; } = 20;

    /// <summary>Tokens (prompt and completion) allowed in one window. Default 4000.</summary>
    public int TokenLimit { get; init; } = 4000;

    /// <summary>The window of both limits, in whole seconds, aligned since the Unix epoch. Default 10 seconds.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws when a value cannot work, naming it and the fix.</summary>
    /// <exception cref="ArgumentException">A limit or the window is out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (RequestLimit < 1)
        {
            errors.Add($"request limit {RequestLimit} must be at least 1 per window");
        }

        if (TokenLimit < 1)
        {
            errors.Add($"token limit {TokenLimit} must be at least 1 per window");
        }

        if (Window < TimeSpan.FromSeconds(1) || Window.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"window {Window.TotalSeconds} s must be a whole number of seconds, at least 1");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid fake LLM options: " + string.Join("; ", errors) + ".");
        }
    }
}

/// <summary>
/// An OpenAI-like chat API on loopback: <c>POST /v1/chat/completions</c> answers with a completion, its real
/// <c>usage</c> in tokens, and OpenAI's headers for two fixed-window pools, <c>x-ratelimit-{limit,remaining,reset}-
/// {requests,tokens}</c> (resets as Go durations such as <c>6.5s</c>). Past either limit it answers 429 with
/// <c>retry-after</c>, as OpenAI does.
/// </summary>
/// <remarks>
/// A completion's length is not known before it is written, as with a real model: it is between a quarter and all
/// of <c>max_tokens</c>, picked from the prompt, so the same prompt always costs the same.
/// </remarks>
public sealed class FakeLlmServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions OpenAiJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly FakeLlmOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly long _windowTicks;
    private WebApplication? _app;
    private long _windowIndex = long.MinValue;
    private int _requests;
    private int _tokens;
    private long _totalRequests;
    private long _throttled;
    private long _totalTokens;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="options">The limits; null for 20 requests and 4000 tokens per 10-second window.</param>
    /// <param name="timeProvider">The clock of the windows; null for the system clock.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public FakeLlmServer(FakeLlmOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new FakeLlmOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _windowTicks = _options.Window.Ticks;
    }

    /// <summary>The address it listens on, once started.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Every request it has answered.</summary>
    public long TotalRequests => Interlocked.Read(ref _totalRequests);

    /// <summary>The requests it answered with 429.</summary>
    public long Throttled429 => Interlocked.Read(ref _throttled);

    /// <summary>The tokens of every completion it wrote.</summary>
    public long TotalTokens => Interlocked.Read(ref _totalTokens);

    /// <summary>Starts listening on 127.0.0.1.</summary>
    /// <param name="port">The port; 0 lets the system pick a free one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The bound address, for example <c>http://127.0.0.1:9092/</c>.</returns>
    public async Task<Uri> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        if (_app is not null)
        {
            throw new InvalidOperationException("The fake LLM server is already started.");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var app = builder.Build();
        app.MapPost("/v1/chat/completions", AnswerAsync);
        await app.StartAsync(cancellationToken);

        var bound = app.Urls.First();
        _app = app;
        Address = new Uri(bound.EndsWith('/') ? bound : bound + "/");

        return Address;
    }

    /// <summary>Blocks until the server stops, for example on Ctrl+C when it runs as a program.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        _app?.WaitForShutdownAsync(cancellationToken) ?? Task.CompletedTask;

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

    /// <summary>The tokens of a prompt, as a tokenizer would roughly count them: one per four characters.</summary>
    public static int PromptTokens(string prompt) => Math.Max(1, ((prompt?.Length ?? 0) + 3) / 4);

    private async Task AnswerAsync(HttpContext context)
    {
        Interlocked.Increment(ref _totalRequests);
        ChatRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<ChatRequest>(OpenAiJson, context.RequestAborted);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request?.Messages is not { Count: > 0 } messages || request.MaxTokens is not > 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(
                new { error = new { message = "messages and a positive max_tokens are required" } },
                OpenAiJson);

            return;
        }

        var prompt = string.Concat(messages.Select(m => m.Content));
        var promptTokens = PromptTokens(prompt);
        var completionTokens = CompletionTokens(prompt, request.MaxTokens.Value);
        var now = _time.GetUtcNow();
        var (allowed, requestsLeft, tokensLeft, resetAt) = Admit(now, promptTokens + completionTokens);

        var headers = context.Response.Headers;
        var reset = GoDuration(resetAt - now);
        headers.Date = now.ToString("R", CultureInfo.InvariantCulture);
        headers["x-ratelimit-limit-requests"] = Number(_options.RequestLimit);
        headers["x-ratelimit-remaining-requests"] = Number(requestsLeft);
        headers["x-ratelimit-reset-requests"] = reset;
        headers["x-ratelimit-limit-tokens"] = Number(_options.TokenLimit);
        headers["x-ratelimit-remaining-tokens"] = Number(tokensLeft);
        headers["x-ratelimit-reset-tokens"] = reset;

        if (!allowed)
        {
            Interlocked.Increment(ref _throttled);
            headers.RetryAfter = Number((long)Math.Max(1, Math.Ceiling((resetAt - now).TotalSeconds)));
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await context.Response.WriteAsJsonAsync(
                new { error = new { message = "Rate limit reached for requests or tokens.", type = "requests" } },
                OpenAiJson);

            return;
        }

        Interlocked.Add(ref _totalTokens, promptTokens + completionTokens);
        var answer = new ChatAnswer(
            $"chatcmpl-{Interlocked.Read(ref _totalRequests)}",
            "chat.completion",
            request.Model ?? "fake-model",
            [new ChatChoice(0, new ChatMessage("assistant", new string('x', completionTokens * 4)), "stop")],
            new ChatUsage(promptTokens, completionTokens, promptTokens + completionTokens));
        await context.Response.WriteAsJsonAsync(answer, OpenAiJson);
    }

    /// <summary>
    /// Counts one request and its tokens if both windows have room. Rolling the window and counting are one step,
    /// as in <see cref="FixedWindowCounter"/>.
    /// </summary>
    private (bool Allowed, int RequestsLeft, int TokensLeft, DateTimeOffset ResetAt) Admit(
        DateTimeOffset now,
        int tokens)
    {
        var index = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / _windowTicks;
        lock (_gate)
        {
            if (index > _windowIndex)
            {
                _windowIndex = index;
                _requests = 0;
                _tokens = 0;
            }

            var allowed = _requests < _options.RequestLimit && _tokens + tokens <= _options.TokenLimit;
            if (allowed)
            {
                _requests++;
                _tokens += tokens;
            }

            var resetAt = DateTimeOffset.UnixEpoch.AddTicks((_windowIndex + 1) * _windowTicks);

            return (allowed, _options.RequestLimit - _requests, _options.TokenLimit - _tokens, resetAt);
        }
    }

    /// <summary>Between a quarter and all of the allowed tokens, the same for the same prompt.</summary>
    private static int CompletionTokens(string prompt, int maxTokens)
    {
        var hash = 17;
        foreach (var c in prompt)
        {
            hash = unchecked((hash * 31) + c);
        }

        var least = Math.Max(1, maxTokens / 4);

        return least + (int)((uint)hash % (uint)(maxTokens - least + 1));
    }

    private static string GoDuration(TimeSpan span) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, span.TotalSeconds):0.###}s");

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record ChatRequest(string? Model, IReadOnlyList<ChatMessage>? Messages, int? MaxTokens);

    private sealed record ChatMessage(string Role, string Content);

    private sealed record ChatChoice(int Index, ChatMessage Message, string FinishReason);

    private sealed record ChatUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

    private sealed record ChatAnswer(
        string Id,
        string Object,
        string Model,
        IReadOnlyList<ChatChoice> Choices,
        ChatUsage Usage);
}
