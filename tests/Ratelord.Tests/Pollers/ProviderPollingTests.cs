using System.Text.Json;
using Ratelord.Tests.Infrastructure;
using static Ratelord.Tests.Pollers.ProviderAnswers;

namespace Ratelord.Tests.Pollers;

/// <summary>
/// The daemon polls loopback servers that answer like GitHub, an OpenAI-compatible API and Anthropic,
/// configured through a providers file as an operator would, and shows what it learned through
/// <c>GET /v1/pools</c> and <c>GET /v1/providers</c>.
/// </summary>
public sealed class ProviderPollingTests : IDisposable
{
    /// <summary>How far a shown reset may lie from the provider's: a Date's whole second and a poll's age.</summary>
    private const double ResetTolerance = 3;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Polls_ShowEveryPool_WithItsLimitRemainingAndReset_ThenStaleThenUnknownWhenTheServerStops()
    {
        var github = PollingSetup.Credential("github");
        var openAi = PollingSetup.Credential("openai");
        var anthropic = PollingSetup.Credential("anthropic");
        var coreReset = DateTimeOffset.UtcNow.AddMinutes(40).ToUnixTimeSeconds();
        var searchReset = DateTimeOffset.UtcNow.AddSeconds(50).ToUnixTimeSeconds();
        await using var gitHubServer = await LoopbackProvider.StartAsync(request =>
            request.Headers.GetValueOrDefault("Authorization") == $"Bearer {github.Secret}"
                ? GitHubRateLimit(DateTimeOffset.UtcNow, coreReset, searchReset, coreReset + 600)
                : GitHubBadCredentials(DateTimeOffset.UtcNow));
        await using var openAiServer = await LoopbackProvider.StartAsync(request =>
            request.Headers.GetValueOrDefault("Authorization") == $"Bearer {openAi.Secret}"
                ? OpenAiCompletion(DateTimeOffset.UtcNow)
                : new Answer(401, [], """{"error":{"message":"Incorrect API key provided"}}"""));
        await using var anthropicServer = await LoopbackProvider.StartAsync(request =>
            request.Headers.GetValueOrDefault("x-api-key") == anthropic.Secret
            && request.Headers.ContainsKey("anthropic-version")
                ? AnthropicMessage(DateTimeOffset.UtcNow)
                : new Answer(401, [], """{"type":"error","error":{"type":"authentication_error"}}"""));
        var providers = PollingSetup.ProvidersFile(
            _directory,
            $"""
            id: github-ci
            kind: github
            base_url: {gitHubServer.BaseAddress}
            identity_id: pat:ci-bot
            credential_env: {github.Variable}
            interval: 200ms
            max_backoff: 400ms
            stale_after: 1500ms
            unknown_after: 4s
            """,
            $"""
            id: openai-main
            kind: openai
            base_url: {openAiServer.BaseAddress}
            identity_id: key:openai
            credential_env: {openAi.Variable}
            model: gpt-4o-mini
            interval: 200ms
            """,
            $"""
            id: anthropic-main
            kind: anthropic
            base_url: {anthropicServer.BaseAddress}
            identity_id: key:anthropic
            credential_env: {anthropic.Variable}
            model: claude-sonnet-4-5
            interval: 200ms
            """);
        await using var daemon = await PollingDaemon.StartAsync(_directory.File("ratelord.db"), providers);

        string[] expected =
        [
            "github/core@pat:ci-bot", "github/search@pat:ci-bot", "github/graphql@pat:ci-bot",
            "openai/requests@key:openai", "openai/tokens@key:openai",
            "anthropic/requests@key:anthropic", "anthropic/input-tokens@key:anthropic",
            "anthropic/output-tokens@key:anthropic", "anthropic/tokens@key:anthropic",
        ];
        await Poll.UntilAsync(
            async () => (await daemon.GetAsync("/v1/pools")).GetProperty("pools").EnumerateArray()
                .Select(p => p.GetProperty("pool_id").GetString()).ToHashSet().IsSupersetOf(expected),
            "every polled pool shows in GET /v1/pools");

        var coreAt = DateTimeOffset.FromUnixTimeSeconds(coreReset);
        await AssertPoolAsync(daemon, "github/core@pat:ci-bot", 5000, 4999, coreAt);
        var searchAt = DateTimeOffset.FromUnixTimeSeconds(searchReset);
        await AssertPoolAsync(daemon, "github/search@pat:ci-bot", 30, 18, searchAt);
        await AssertPoolAsync(daemon, "github/graphql@pat:ci-bot", 5000, 4993, coreAt.AddSeconds(600));
        await AssertPoolAsync(daemon, "openai/requests@key:openai", 10000, 9999, resetAfterObservation: 17.28);
        await AssertPoolAsync(daemon, "openai/tokens@key:openai", 2_000_000, 1_999_990, resetAfterObservation: 360);
        await AssertPoolAsync(daemon, "anthropic/requests@key:anthropic", 4000, 3999, resetAfterObservation: 30);
        await AssertPoolAsync(daemon, "anthropic/output-tokens@key:anthropic", 80000, 79999, resetAfterObservation: 2);
        Assert.Null(await daemon.PoolAsync("github/rate@pat:ci-bot"));

        foreach (var id in new[] { "github-ci", "openai-main", "anthropic-main" })
        {
            var provider = await daemon.ProviderAsync(id);
            Assert.Equal("ok", provider.Text("status"));
            Assert.True(provider.IsNull("status_reason"));
            Assert.True(provider.IsNull("last_error"));
            Assert.False(provider.IsNull("last_success_at"));
        }

        var gitHubProvider = await daemon.ProviderAsync("github-ci");
        Assert.Equal($"GET {gitHubServer.BaseAddress}rate_limit", gitHubProvider.Text("endpoint"));
        Assert.Equal(github.Variable, gitHubProvider.Text("credential_env"));
        AssertRequests(gitHubServer, "GET", "/rate_limit", "Accept", "application/vnd.github+json");
        AssertRequests(openAiServer, "POST", "/v1/chat/completions", "Content-Type", "application/json; charset=utf-8");
        AssertRequests(anthropicServer, "POST", "/v1/messages", "anthropic-version", "2023-06-01");
        Assert.Contains("\"max_tokens\":1", openAiServer.Requests.First().Body, StringComparison.Ordinal);

        await gitHubServer.StopAsync();

        await Poll.UntilAsync(
            async () => await daemon.PoolAsync("github/core@pat:ci-bot") is { } pool
                && pool.GetProperty("forecast").GetProperty("stale").GetBoolean()
                && pool.GetProperty("status_reason").GetString() is { } reason
                && reason.StartsWith("stale:", StringComparison.Ordinal),
            "the GitHub pools turn stale");
        var stale = (await daemon.PoolAsync("github/core@pat:ci-bot"))!.Value;
        Assert.NotEqual("unknown", stale.Text("status"));
        Assert.Equal(4999, stale.GetProperty("remaining").GetDouble());

        await Poll.UntilAsync(
            async () => (await daemon.PoolAsync("github/core@pat:ci-bot"))!.Value.Text("status") == "unknown",
            "the GitHub pools turn unknown");
        var unknown = (await daemon.PoolAsync("github/core@pat:ci-bot"))!.Value;
        Assert.StartsWith("unknown: last reading", unknown.Text("status_reason"), StringComparison.Ordinal);
        Assert.Contains("github-ci", unknown.Text("status_reason"), StringComparison.Ordinal);
        Assert.Contains("unreachable", unknown.Text("status_reason"), StringComparison.Ordinal);
        Assert.Equal(5000, unknown.GetProperty("limit").GetDouble());
        Assert.Equal(4999, unknown.GetProperty("remaining").GetDouble());

        var failing = await daemon.ProviderAsync("github-ci");
        Assert.Equal("unknown", failing.Text("status"));
        Assert.Contains("past unknown_after", failing.Text("status_reason"), StringComparison.Ordinal);
        Assert.Equal("unreachable", failing.GetProperty("last_error").Text("kind"));
        Assert.True(failing.GetProperty("consecutive_failures").GetInt32() >= 1);
        Assert.False(failing.IsNull("last_success_at"));
        Assert.Equal("ok", (await daemon.ProviderAsync("openai-main")).Text("status"));
        var fresh = (await daemon.PoolAsync("openai/requests@key:openai"))!.Value;
        Assert.Null(fresh.GetProperty("status_reason").GetString());
    }

    [Fact]
    public async Task Poll_RecordsEventsDatedByTheAnswer_AndAPollThrottledTeachesAWait()
    {
        var github = PollingSetup.Credential("github");
        var answerDate = DateTimeOffset.UtcNow.AddHours(-1);
        var throttled = false;
        await using var server = await LoopbackProvider.StartAsync(_ => throttled
            ? new Answer(
                429,
                [("Date", HttpDate(DateTimeOffset.UtcNow)), ("Retry-After", "30"), ("X-RateLimit-Remaining", "0"),
                    ("X-RateLimit-Limit", "5000"), ("X-RateLimit-Resource", "core")],
                """{"message":"API rate limit exceeded"}""")
            : GitHubRateLimit(answerDate, Epoch(answerDate) + 900, Epoch(answerDate) + 60, Epoch(answerDate) + 900));
        var providers = PollingSetup.ProvidersFile(
            _directory,
            $"""
            id: gh
            kind: github
            base_url: {server.BaseAddress}
            identity_id: pat:dated
            credential_env: {github.Variable}
            interval: 200ms
            stale_after: 1m
            unknown_after: 2m
            """);
        await using var daemon = await PollingDaemon.StartAsync(_directory.File("ratelord.db"), providers);

        await Poll.UntilAsync(
            async () => await daemon.PoolAsync("github/core@pat:dated") is not null,
            "the first poll");
        throttled = true;
        await Poll.UntilAsync(
            async () => (await daemon.ProviderAsync("gh")).GetProperty("last_error") is
                { ValueKind: JsonValueKind.Object } e && e.Text("kind") == "429",
            "a throttled poll is recorded as a 429");

        var events = await daemon.Http.ReadAllEventsAsync();
        var poll = events.First(e => e.Text("type") == "provider_poll_observed");
        Assert.Equal(
            DateTimeOffset.FromUnixTimeSeconds(Epoch(answerDate)),
            poll.GetProperty("event_time").GetDateTimeOffset());
        Assert.Contains(
            events,
            e => e.Text("type") == "provider_configured" && e.GetProperty("payload").Text("provider_id") == "gh");
        var error = events.First(e => e.Text("type") == "provider_error");
        Assert.Equal(30, error.GetProperty("payload").GetProperty("retry_after_seconds").GetDouble());
        Assert.True(
            error.GetProperty("payload").GetProperty("next_poll_at").GetDateTimeOffset()
                >= error.GetProperty("ingest_time").GetDateTimeOffset().AddSeconds(29.9),
            "the next poll waits at least as long as the provider asked");
        var core = (await daemon.PoolAsync("github/core@pat:dated"))!.Value;
        Assert.Equal(0, core.GetProperty("remaining").GetDouble());
        Assert.False(core.IsNull("throttled_until"), "a 429 on a poll throttles the pool it names");
        var failing = await daemon.ProviderAsync("gh");
        Assert.Equal("degraded", failing.Text("status"));
        Assert.Contains("429", failing.Text("status_reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedPolls_AreRecordedWithTheirKind_TimeoutServerErrorAndMissingCredential()
    {
        var slowCredential = PollingSetup.Credential("slow");
        var brokenCredential = PollingSetup.Credential("broken");
        var goneCredential = PollingSetup.Credential("gone");
        await using var slow = await LoopbackProvider.StartAsync(_ =>
        {
            // A provider that hangs: the answer comes long after the poll's timeout.
            Thread.Sleep(TimeSpan.FromSeconds(2));

            return GitHubRateLimit(DateTimeOffset.UtcNow, 0, 0, 0);
        });
        await using var broken = await LoopbackProvider.StartAsync(_ => new Answer(
            503,
            [("Date", HttpDate(DateTimeOffset.UtcNow))],
            """{"message":"Service Unavailable"}"""));
        await using var fine = await LoopbackProvider.StartAsync(
            _ => GitHubRateLimit(DateTimeOffset.UtcNow, 0, 0, 0));
        var providers = PollingSetup.ProvidersFile(
            _directory,
            $"""
            id: slow
            kind: github
            base_url: {slow.BaseAddress}
            identity_id: pat:slow
            credential_env: {slowCredential.Variable}
            timeout: 200ms
            interval: 200ms
            """,
            $"""
            id: broken
            kind: github
            base_url: {broken.BaseAddress}
            identity_id: pat:broken
            credential_env: {brokenCredential.Variable}
            interval: 200ms
            """,
            $"""
            id: gone
            kind: github
            base_url: {fine.BaseAddress}
            identity_id: pat:gone
            credential_env: {goneCredential.Variable}
            interval: 200ms
            """);
        await using var daemon = await PollingDaemon.StartAsync(_directory.File("ratelord.db"), providers);
        Environment.SetEnvironmentVariable(goneCredential.Variable, null);

        foreach (var (id, kind) in new[] { ("slow", "timeout"), ("broken", "5xx"), ("gone", "auth") })
        {
            await Poll.UntilAsync(
                async () => (await daemon.ProviderAsync(id)).GetProperty("last_error") is
                    { ValueKind: JsonValueKind.Object } e && e.Text("kind") == kind,
                $"provider {id} records a {kind} error");
        }

        var gone = await daemon.ProviderAsync("gone");
        var message = gone.GetProperty("last_error").Text("message");
        Assert.Contains(goneCredential.Variable, message, StringComparison.Ordinal);
        var failing = (await daemon.ProviderAsync("broken")).GetProperty("last_error");
        Assert.Equal(503, failing.GetProperty("status").GetInt32());
    }

    private static async Task AssertPoolAsync(
        PollingDaemon daemon,
        string poolId,
        double limit,
        double remaining,
        DateTimeOffset? resetAt = null,
        double? resetAfterObservation = null)
    {
        var pool = (await daemon.PoolAsync(poolId))!.Value;
        Assert.Equal(limit, pool.GetProperty("limit").GetDouble());
        Assert.Equal(remaining, pool.GetProperty("remaining").GetDouble());
        Assert.NotEqual("unknown", pool.Text("status"));
        Assert.True(pool.IsNull("status_reason"), $"{poolId} is fresh: {pool}");

        var shownReset = pool.GetProperty("reset_at").GetDateTimeOffset();
        var observedAt = pool.GetProperty("last_observed_at").GetDateTimeOffset();
        var expected = resetAt ?? observedAt.AddSeconds(resetAfterObservation!.Value);
        Assert.True(
            Math.Abs((shownReset - expected).TotalSeconds) <= ResetTolerance,
            $"{poolId} resets at {shownReset:O}; the provider said {expected:O}");
    }

    private static void AssertRequests(LoopbackProvider server, string method, string path, string header, string value)
    {
        var request = server.Requests.First();
        Assert.Equal(method, request.Method);
        Assert.Equal(path, request.Path);
        Assert.Equal(value, request.Headers.GetValueOrDefault(header));
        Assert.StartsWith("ratelord-d/", request.Headers.GetValueOrDefault("User-Agent"), StringComparison.Ordinal);
    }
}
