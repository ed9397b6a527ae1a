using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ratelord.Samples.FakeProvider;
using Ratelord.Sdk;
using Ratelord.Sdk.Http;

namespace Ratelord.Tests.Sdk;

/// <summary>
/// The HttpClient handler against a stub daemon that answers what each test needs and a fake GitHub that counts
/// what reaches it, both on loopback: what intent each request becomes, how each decision is obeyed, and what is
/// reported after.
/// </summary>
public sealed class RatelordHandlerTests : IAsyncDisposable
{
    private const string IntentId = "0b5e7c1e-8f4a-4d7e-9a51-3c2f6d1e9b20";

    private readonly FakeGitHubServer _provider = new();
    private readonly WatchedTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly ListLogger<RatelordHandler> _log = new();
    private ServiceProvider? _services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Send_AsksWithTheClientsIntent_ThenReportsTheStatusAndEveryHeader()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer(Approval()));
        var http = await GitHubClientAsync(daemon, o =>
        {
            o.AgentId = "crawler-01";
            o.IdentityId = "pat:ci-bot";
            o.WorkloadId = "repo_read";
            o.ScopeId = "org:acme";
            o.Urgency = Urgency.Background;
            o.EstimateCost = request => request.RequestUri!.AbsolutePath.Contains("search") ? 30 : 1;
            o.Provider = "github";
        });

        using var response = await http.GetAsync("repos/acme/web", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _provider.TotalRequests);
        Assert.Equal(Guid.Parse(IntentId), response.RequestMessage!.GetRatelordDecision()!.IntentId);
        var intent = Assert.Single(daemon.Received, r => r.Path == "/v1/intent").Body!.Value;
        Assert.Equal("crawler-01", intent.GetProperty("agent_id").GetString());
        Assert.Equal("pat:ci-bot", intent.GetProperty("identity_id").GetString());
        Assert.Equal("repo_read", intent.GetProperty("workload_id").GetString());
        Assert.Equal("org:acme", intent.GetProperty("scope_id").GetString());
        Assert.Equal("background", intent.GetProperty("urgency").GetString());
        Assert.Equal(1, intent.GetProperty("expected_cost").GetDouble());
        var outcome = Assert.Single(daemon.Received, r => r.Path == $"/v1/intent/{IntentId}/outcome").Body!.Value;
        Assert.Equal("completed", outcome.GetProperty("outcome").GetString());
        Assert.Equal("github", outcome.GetProperty("provider").GetString());
        Assert.Equal(200, outcome.GetProperty("response").GetProperty("status").GetInt32());
        var headers = HeaderNames(outcome);
        Assert.Contains("x-ratelimit-remaining", headers);
        Assert.Contains("x-ratelimit-reset", headers);
        Assert.Contains("date", headers);
    }

    [Fact]
    public async Task Send_RequestOptions_ChangeTheIntentOfThatRequestOnly()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer(Approval()));
        var http = await GitHubClientAsync(daemon, o =>
        {
            o.IdentityId = "pat:ci-bot";
            o.EstimateCost = _ => 1;
        });

        using var special = new HttpRequestMessage(HttpMethod.Get, "search/code").WithRatelord(
            new RatelordRequestOptions
            {
                WorkloadId = "code_search",
                ScopeId = "repo:acme/api",
                Urgency = Urgency.High,
                EstimateCost = _ => 30,
                MaxWait = TimeSpan.FromSeconds(2),
            });
        using var first = await http.SendAsync(special, Ct);
        using var plain = await http.GetAsync("repos/acme/web", Ct);
        using var priced = new HttpRequestMessage(HttpMethod.Get, "search/code")
            .WithRatelord(new RatelordRequestOptions { ExpectedCost = 7, EstimateCost = _ => 30 });
        using var third = await http.SendAsync(priced, Ct);

        var intents = daemon.Received.Where(r => r.Path == "/v1/intent").Select(r => r.Body!.Value).ToList();
        Assert.Equal(3, intents.Count);
        Assert.Equal("code_search", intents[0].GetProperty("workload_id").GetString());
        Assert.Equal("repo:acme/api", intents[0].GetProperty("scope_id").GetString());
        Assert.Equal("high", intents[0].GetProperty("urgency").GetString());
        Assert.Equal(30, intents[0].GetProperty("expected_cost").GetDouble());
        Assert.Equal(2, intents[0].GetProperty("max_wait_seconds").GetDouble());
        Assert.Equal("github", intents[1].GetProperty("workload_id").GetString());
        Assert.Equal("global", intents[1].GetProperty("scope_id").GetString());
        Assert.Equal("normal", intents[1].GetProperty("urgency").GetString());
        Assert.Equal(1, intents[1].GetProperty("expected_cost").GetDouble());
        Assert.False(intents[1].TryGetProperty("max_wait_seconds", out _));
        Assert.Equal(7, intents[2].GetProperty("expected_cost").GetDouble());
    }

    [Fact]
    public async Task Send_Deny_ThrowsWithTheReasonAndRetryTime_AndNeverCallsTheProvider()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer("""
            {"intent_id":"0b5e7c1e-8f4a-4d7e-9a51-3c2f6d1e9b20","decision":"deny_with_reason",
             "reason":"pool_exhausted","retry_after_s":42,
             "evaluation":{"as_of":"2026-12-03T12:00:00Z","risk_summary":"core: 0 of 5000 left",
               "policy_version":"builtin"}}
            """));
        var http = await GitHubClientAsync(daemon, o => o.IdentityId = "pat:ci-bot");

        var denied = await Assert.ThrowsAsync<RatelordDeniedException>(() => http.GetAsync("repos/acme/web", Ct));

        Assert.Equal(DecisionReasons.PoolExhausted, denied.Reason);
        Assert.Equal(TimeSpan.FromSeconds(42), denied.RetryAfter);
        Assert.False(denied.IsDaemonUnreachable);
        Assert.Contains("pool_exhausted", denied.Message, StringComparison.Ordinal);
        Assert.Contains("Retry after 42 s", denied.Message, StringComparison.Ordinal);
        Assert.Equal(0, _provider.TotalRequests);
        Assert.DoesNotContain(daemon.Received, r => r.Path.EndsWith("/outcome", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_WaitsOutTheWait_OnTheClock_BeforeTheProviderSeesTheCall()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer(Approval(wait: 30)));
        var http = await GitHubClientAsync(daemon, o => o.IdentityId = "pat:ci-bot");

        var sending = http.GetAsync("repos/acme/web", Ct);
        await _time.TimerSetAsync(TimeSpan.FromSeconds(30));
        _time.Fake.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, _provider.TotalRequests);
        _time.Fake.Advance(TimeSpan.FromSeconds(1));
        using var response = await sending.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _provider.TotalRequests);
    }

    [Fact]
    public async Task Send_CancelledDuringTheWait_Throws_AndReleasesTheApproval()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer(Approval(wait: 30)));
        var http = await GitHubClientAsync(daemon, o => o.IdentityId = "pat:ci-bot");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var sending = http.GetAsync("repos/acme/web", cancel.Token);
        await _time.TimerSetAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        Assert.Equal(0, _provider.TotalRequests);
        var release = Assert.Single(daemon.Received, r => r.Path.EndsWith("/outcome", StringComparison.Ordinal));
        Assert.Equal("cancelled", release.Body!.Value.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Send_TheClientsTimeout_FlowsThroughTheWait()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer(Approval(wait: 3600)));

        // The handler waits on the real clock here: the HttpClient's timeout is a real-time one. It is long enough
        // for the ask itself to be answered on a busy machine (a timeout during the ask leaves nothing to release)
        // and far shorter than the hour's wait it must cut.
        var services = new ServiceCollection();
        services.AddRatelordClient(o => o.BaseAddress = daemon.Address);
        services.AddHttpClient("github", http =>
            {
                http.BaseAddress = _provider.Address ?? throw new InvalidOperationException();
                http.Timeout = TimeSpan.FromSeconds(3);
            })
            .AddRatelord(o => o.IdentityId = "pat:ci-bot");
        await _provider.StartAsync(cancellationToken: Ct);
        _services = services.BuildServiceProvider();
        var client = _services.GetRequiredService<IHttpClientFactory>().CreateClient("github");

        var timedOut = await Assert.ThrowsAsync<TaskCanceledException>(() => client.GetAsync("repos/acme/web", Ct));

        Assert.IsType<TimeoutException>(timedOut.InnerException);
        Assert.Equal(0, _provider.TotalRequests);
        await Infrastructure.Poll.UntilAsync(
            () => daemon.Received.Any(r => r.Path.EndsWith("/outcome", StringComparison.Ordinal)),
            "the approval that timed out is released");
    }

    [Fact]
    public async Task Send_IdentitySwitch_SendsTheCredentialOfTheSwitchedIdentity()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer(Approval(identitySwitch: "pat:spare")));
        var seen = new List<string?>();
        await using var provider = await StubDaemon.StartAsync((context, _) =>
        {
            lock (seen)
            {
                seen.Add(context.Request.Headers.Authorization);
            }

            return StubDaemon.WriteAsync(context, 200, "{}");
        });
        var tokens = new Dictionary<string, string> { ["pat:ci-bot"] = "token-main", ["pat:spare"] = "token-spare" };
        var http = await GitHubClientAsync(
            daemon,
            o =>
            {
                o.IdentityId = "pat:ci-bot";
                o.CredentialProvider = new BearerCredentialProvider(id => tokens.GetValueOrDefault(id));
            },
            provider.Address);

        using var response = await http.GetAsync("repos/acme/web", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Bearer token-spare"], seen);
        Assert.Contains(_log.Entries, e => e.EventId.Id == 5011 && e.Message.Contains("pat:spare"));
    }

    [Fact]
    public async Task Send_IdentitySwitch_WithoutACredentialProvider_FailsTheCall_AndReleasesTheApproval()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer(Approval(identitySwitch: "pat:spare")));
        var http = await GitHubClientAsync(daemon, o => o.IdentityId = "pat:ci-bot");

        var failed = await Assert.ThrowsAsync<RatelordException>(() => http.GetAsync("repos/acme/web", Ct));

        Assert.Contains("pat:spare", failed.Message, StringComparison.Ordinal);
        Assert.Contains("CredentialProvider", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, _provider.TotalRequests);
        var release = Assert.Single(daemon.Received, r => r.Path.EndsWith("/outcome", StringComparison.Ordinal));
        Assert.Equal("cancelled", release.Body!.Value.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Send_ASharedCredentialProviderInTheContainer_IsUsed_WhenTheClientSetsNone()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer(Approval()));
        var seen = new List<string?>();
        await using var provider = await StubDaemon.StartAsync((context, _) =>
        {
            seen.Add(context.Request.Headers.Authorization);

            return StubDaemon.WriteAsync(context, 200, "{}");
        });
        var http = await GitHubClientAsync(
            daemon,
            o => o.IdentityId = "pat:ci-bot",
            provider.Address,
            services => services.AddSingleton<IRatelordCredentialProvider>(
                new BearerCredentialProvider(id => "token-of-" + id)));

        using var response = await http.GetAsync("repos/acme/web", Ct);

        Assert.Equal(["Bearer token-of-pat:ci-bot"], seen);
    }

    [Fact]
    public async Task Send_ReadActualCost_ReportsTheRealCost_AndLeavesTheBodyReadable()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer(Approval()));
        await using var model = await StubDaemon.StartAsync((context, _) =>
            StubDaemon.WriteAsync(context, 200, """{"usage":{"total_tokens":131}}"""));
        var http = await GitHubClientAsync(
            daemon,
            o =>
            {
                o.IdentityId = "key:llm";
                o.ReadActualCost = async (response, ct) =>
                {
                    using var body = await JsonDocument.ParseAsync(
                        await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);

                    return body.RootElement.GetProperty("usage").GetProperty("total_tokens").GetDouble();
                };
            },
            model.Address);

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            .WithRatelord(new RatelordRequestOptions { ExpectedCost = 400 });
        using var response = await http.SendAsync(request, Ct);

        Assert.Contains("131", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var outcome = Assert.Single(daemon.Received, r => r.Path.EndsWith("/outcome", StringComparison.Ordinal));
        Assert.Equal(131, outcome.Body!.Value.GetProperty("actual_cost").GetDouble());
    }

    [Fact]
    public async Task Send_AProviderThatCannotBeReached_IsReportedFailed_AndTheErrorReachesTheCaller()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer(Approval()));
        var http = await GitHubClientAsync(daemon, o => o.IdentityId = "pat:ci-bot", StubDaemon.UnusedAddress());

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("repos/acme/web", Ct));

        var outcome = Assert.Single(daemon.Received, r => r.Path.EndsWith("/outcome", StringComparison.Ordinal));
        Assert.Equal("failed", outcome.Body!.Value.GetProperty("outcome").GetString());
        Assert.False(outcome.Body!.Value.TryGetProperty("response", out _));
    }

    [Fact]
    public async Task AddRatelord_WithoutAnIdentity_FailsWithEveryBadValueNamed()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("github").AddRatelord(o =>
        {
            o.ScopeId = "";
            o.MaxWait = TimeSpan.FromSeconds(-1);
        });
        await using var provider = services.BuildServiceProvider();

        var invalid = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IHttpClientFactory>().CreateClient("github"));

        Assert.Contains(invalid.Failures, f => f.Contains("IdentityId is not set", StringComparison.Ordinal));
        Assert.Contains(invalid.Failures, f => f.Contains("ScopeId is not set", StringComparison.Ordinal));
        Assert.Contains(invalid.Failures, f => f.Contains("MaxWait", StringComparison.Ordinal));
        Assert.All(invalid.Failures, f => Assert.Contains("client 'github'", f, StringComparison.Ordinal));
    }

    [Fact]
    public void AddRatelord_DefaultsTheAgentToTheApp_AndTheWorkloadToTheClient_AndRegistersTheDaemonsClient()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("github").AddRatelord(o => o.IdentityId = "pat:ci-bot");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<RatelordHandlerOptions>>().Get("github");

        Assert.Equal("github", options.WorkloadId);
        Assert.False(string.IsNullOrEmpty(options.AgentId));
        Assert.IsType<RatelordClient>(provider.GetRequiredService<IRatelordClient>());
    }

    private async Task<HttpClient> GitHubClientAsync(
        StubDaemon daemon,
        Action<RatelordHandlerOptions> configure,
        Uri? providerAddress = null,
        Action<IServiceCollection>? more = null)
    {
        providerAddress ??= await _provider.StartAsync(cancellationToken: Ct);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<ILogger<RatelordHandler>>(_log);
        services.AddRatelordClient(o => o.BaseAddress = daemon.Address);
        services.AddHttpClient("github", http => http.BaseAddress = providerAddress).AddRatelord(configure);
        more?.Invoke(services);
        _services = services.BuildServiceProvider();

        return _services.GetRequiredService<IHttpClientFactory>().CreateClient("github");
    }

    /// <summary>Answers every intent with <paramref name="decision"/> and every outcome with 200.</summary>
    private static Func<HttpContext, StubRequest, Task> Answer(string decision) => (context, request) =>
        request.Path == "/v1/intent"
            ? StubDaemon.WriteAsync(context, 200, decision)
            : StubDaemon.WriteAsync(context, 200, "{}");

    private static string Approval(double? wait = null, string? identitySwitch = null)
    {
        var modified = wait is not null || identitySwitch is not null;
        var modifications = modified
            ? JsonSerializer.Serialize(new { wait_seconds = wait, identity_switch = identitySwitch })
            : "null";
        var verdict = modified ? "approve_with_modifications" : "approve";
        var reason = identitySwitch is not null ? "\"identity_switched\"" : "null";

        return $$$"""
            {"intent_id":"{{{IntentId}}}","decision":"{{{verdict}}}","modifications":{{{modifications}}},
             "reason":{{{reason}}},
             "evaluation":{"as_of":"2026-12-03T12:00:00Z","risk_summary":"","policy_version":"builtin"}}
            """;
    }

    private static List<string> HeaderNames(JsonElement outcome) =>
    [
        .. outcome.GetProperty("response").GetProperty("headers").EnumerateArray()
            .Select(pair => pair[0].GetString()!.ToLowerInvariant()),
    ];
}
