using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Ratelord.Sdk;

namespace Ratelord.Tests.Sdk;

public sealed class RatelordClientTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid IntentId = Guid.Parse("0b5e7c1e-8f4a-4d7e-9a51-3c2f6d1e9b20");

    private static readonly Intent ReadRepo = new("crawler-01", "pat:ci-bot", "repo_read", "repo:acme/web");

    private readonly HttpClient _http = new();
    private readonly ListLogger<RatelordClient> _log = new();
    private readonly WatchedTimeProvider _time = new(Start);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task AskAsync_ReturnsTheApproval_AsTheDaemonGaveIt()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(200, $$"""
            {"intent_id":"{{IntentId}}","decision":"approve","modifications":null,"reason":null,
             "retry_after_s":null,"valid_until":"2026-12-03T12:01:00+00:00",
             "evaluation":{"as_of":"2026-12-03T12:00:00+00:00","risk_summary":"core: 4990 of 5000 left",
               "tightest_pool":{"pool_id":"github/core/pat:ci-bot","status":"ok"},"policy_version":"builtin"},
             "trace":null}
            """);
        var intent = ReadRepo with
        {
            Urgency = Urgency.High,
            ExpectedCost = 2,
            DurationHint = TimeSpan.FromSeconds(3),
            MaxWait = TimeSpan.Zero,
        };

        var decision = await Client(daemon.Address).AskAsync(intent, TestContext.Current.CancellationToken);

        Assert.True(decision.IsApproved);
        Assert.False(decision.IsFallback);
        Assert.Equal(Verdict.Approve, decision.Verdict);
        Assert.Equal(IntentId, decision.IntentId);
        Assert.Equal(TimeSpan.Zero, decision.Delay);
        Assert.Equal(Start.AddMinutes(1), decision.ValidUntil);
        Assert.Equal("core: 4990 of 5000 left", decision.RiskSummary);
        Assert.Equal("github/core/pat:ci-bot", decision.TightestPool);
        Assert.Equal("builtin", decision.PolicyVersion);

        var sent = Assert.Single(daemon.Received);
        Assert.Equal(("POST", "/v1/intent"), (sent.Method, sent.Path));
        var body = sent.Body!.Value;
        Assert.Equal("crawler-01", body.GetProperty("agent_id").GetString());
        Assert.Equal("pat:ci-bot", body.GetProperty("identity_id").GetString());
        Assert.Equal("repo_read", body.GetProperty("workload_id").GetString());
        Assert.Equal("repo:acme/web", body.GetProperty("scope_id").GetString());
        Assert.Equal("high", body.GetProperty("urgency").GetString());
        Assert.Equal(2, body.GetProperty("expected_cost").GetDouble());
        Assert.Equal(3, body.GetProperty("duration_hint").GetDouble());
        Assert.Equal(0, body.GetProperty("max_wait_seconds").GetDouble());
        Assert.False(body.TryGetProperty("client_context", out _), "absent optional fields are left out, not null");
    }

    [Fact]
    public async Task AskAsync_WaitsOutTheWait_OnTheInjectedClock_BeforeReturning()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(200, Modified(wait: "30", deferUntil: "null"));
        var client = Client(daemon.Address);

        var asking = client.AskAsync(ReadRepo, TestContext.Current.CancellationToken);
        await _time.TimerSetAsync(TimeSpan.FromSeconds(30));
        _time.Fake.Advance(TimeSpan.FromSeconds(29));
        Assert.False(asking.IsCompleted, "the approval must not be returned before its wait is over");
        _time.Fake.Advance(TimeSpan.FromSeconds(1));
        var decision = await asking.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(Verdict.ApproveWithModifications, decision.Verdict);
        Assert.Equal(TimeSpan.FromSeconds(30), decision.Wait);
        Assert.Equal(TimeSpan.FromSeconds(30), decision.Delay);
    }

    [Fact]
    public async Task AskAsync_WaitsOutADeferral_MeasuredFromTheDaemonsClock()
    {
        // The daemon's clock is an hour ahead of the agent's: only the difference between its two times counts.
        var asOf = Start.AddHours(1);
        await using var daemon = await StubDaemon.AnsweringAsync(
            200, Modified(wait: "null", deferUntil: $"\"{asOf.AddSeconds(90):O}\"", asOf: asOf));
        var client = Client(daemon.Address);

        var asking = client.AskAsync(ReadRepo, TestContext.Current.CancellationToken);
        await _time.TimerSetAsync(TimeSpan.FromSeconds(90));
        _time.Fake.Advance(TimeSpan.FromSeconds(89));
        Assert.False(asking.IsCompleted, "the approval must not be returned before the deferral is over");
        _time.Fake.Advance(TimeSpan.FromSeconds(1));
        var decision = await asking.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(asOf.AddSeconds(90), decision.DeferUntil);
        Assert.Equal(TimeSpan.FromSeconds(90), decision.Delay);
    }

    [Fact]
    public async Task NegotiateAsync_ReturnsAtOnce_WithTheDelayLeftToTheCaller()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(200, Modified(wait: "30", deferUntil: "null"));

        var decision = await Client(daemon.Address).NegotiateAsync(ReadRepo, TestContext.Current.CancellationToken);

        Assert.True(decision.IsApproved);
        Assert.Equal(TimeSpan.FromSeconds(30), decision.Delay);
        Assert.Equal(Start, _time.GetUtcNow());
    }

    [Fact]
    public async Task AskAsync_Throws_WhenTheCallerCancelsTheWait()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(200, Modified(wait: "30", deferUntil: "null"));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var asking = Client(daemon.Address).AskAsync(ReadRepo, cancel.Token);
        await _time.TimerSetAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asking);
    }

    [Fact]
    public async Task AskAsync_ReturnsADenyAsAValue_WithItsReasonAndRetryTime()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(200, $$$"""
            {"intent_id":"{{{IntentId}}}","decision":"deny_with_reason","modifications":null,
             "reason":"pool_exhausted","retry_after_s":12.5,"valid_until":null,
             "evaluation":{"as_of":"2026-12-03T12:00:00Z","risk_summary":"core exhausted",
               "tightest_pool":null,"policy_version":"builtin"}}
            """);

        var decision = await Client(daemon.Address).AskAsync(ReadRepo, TestContext.Current.CancellationToken);

        Assert.False(decision.IsApproved);
        Assert.False(decision.IsFallback);
        Assert.Equal(Verdict.DenyWithReason, decision.Verdict);
        Assert.Equal(DecisionReasons.PoolExhausted, decision.Reason);
        Assert.Equal(TimeSpan.FromSeconds(12.5), decision.RetryAfter);
    }

    [Fact]
    public async Task AskAsync_FailsClosed_WhenNothingListens()
    {
        var decision = await Client(StubDaemon.UnusedAddress())
            .AskAsync(ReadRepo, TestContext.Current.CancellationToken);

        Assert.False(decision.IsApproved);
        Assert.True(decision.IsFallback);
        Assert.Equal(DecisionReasons.DaemonUnreachable, decision.Reason);
        Assert.Equal(RatelordClientOptions.DefaultUnreachableRetryAfter, decision.RetryAfter);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(5001, warning.EventId.Id);
        Assert.Contains("connection_failed", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_FailsOpen_WhenNothingListens_AndTheCallerChoseIt()
    {
        var options = new RatelordClientOptions
        {
            BaseAddress = StubDaemon.UnusedAddress(),
            FailureMode = FailureMode.FailOpen,
        };

        var decision = await new RatelordClient(_http, options, _log, _time)
            .AskAsync(ReadRepo, TestContext.Current.CancellationToken);

        Assert.True(decision.IsApproved);
        Assert.True(decision.IsFallback);
        Assert.Equal(DecisionReasons.DaemonUnreachableFailOpen, decision.Reason);
        Assert.Equal(5002, Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning).EventId.Id);
    }

    [Fact]
    public async Task AskAsync_FailsClosed_WhenTheDaemonFails()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(
            500,
            """{"status":500,"title":"Internal error","code":"internal_error","detail":"boom"}""",
            "application/problem+json");

        var decision = await Client(daemon.Address).AskAsync(ReadRepo, TestContext.Current.CancellationToken);

        Assert.False(decision.IsApproved);
        Assert.Equal(DecisionReasons.DaemonUnreachable, decision.Reason);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("status 500", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_FailsClosed_WhenTheDaemonDoesNotAnswerInTime()
    {
        await using var daemon = await StubDaemon.StartAsync(
            (context, _) => Task.Delay(Timeout.Infinite, context.RequestAborted));

        var asking = Client(daemon.Address).AskAsync(ReadRepo, TestContext.Current.CancellationToken);
        await _time.TimerSetAsync(RatelordClientOptions.DefaultTimeout);
        _time.Fake.Advance(RatelordClientOptions.DefaultTimeout);
        var decision = await asking.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(decision.IsApproved);
        Assert.Equal(DecisionReasons.DaemonUnreachable, decision.Reason);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("timeout", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskAsync_FailsClosed_WhenTheAnswerCannotBeRead()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(
            200, $$"""{"intent_id":"{{IntentId}}","decision":"maybe","evaluation":null}""");

        var decision = await Client(daemon.Address).AskAsync(ReadRepo, TestContext.Current.CancellationToken);

        Assert.False(decision.IsApproved);
        Assert.Equal(DecisionReasons.DaemonUnreachable, decision.Reason);
    }

    [Fact]
    public async Task AskAsync_Throws_WhenTheDaemonRefusesTheIntent_NamingEveryField()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(
            400,
            """
            {"type":"https://ratelord.dev/problems/validation_failed","title":"Bad request","status":400,
             "detail":"The request has invalid fields: agent_id, urgency.","code":"validation_failed",
             "errors":{"agent_id":["'agent_id' must not be empty."],"urgency":["'loud' is not an urgency."]}}
            """,
            "application/problem+json");

        var refused = await Assert.ThrowsAsync<RatelordRequestException>(() => Client(daemon.Address)
            .AskAsync(ReadRepo with { AgentId = "" }, TestContext.Current.CancellationToken));

        Assert.Equal(400, refused.Status);
        Assert.Equal("validation_failed", refused.Code);
        Assert.Equal(["'agent_id' must not be empty."], refused.Errors["agent_id"]);
        Assert.Contains("urgency", refused.Errors.Keys);
        Assert.Contains("agent_id", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportOutcomeAsync_SendsTheStatusAndEveryHeader_OfTheProvidersResponse()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(
            200, $$"""{"intent_id":"{{IntentId}}","outcome":"failed","reading":null,"updated_pools":[]}""");
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("date", "Thu, 03 Dec 2026 12:00:00 GMT");
        response.Headers.TryAddWithoutValidation("x-ratelimit-remaining", "0");
        response.Headers.TryAddWithoutValidation("x-ratelimit-reset", "1796299210");
        response.Headers.TryAddWithoutValidation("retry-after", "9");

        await Client(daemon.Address).ReportOutcomeAsync(
            IntentId, Outcome.FromResponse(response, actualCost: 1), TestContext.Current.CancellationToken);

        var sent = Assert.Single(daemon.Received);
        Assert.Equal($"/v1/intent/{IntentId}/outcome", sent.Path);
        var body = sent.Body!.Value;
        Assert.Equal("failed", body.GetProperty("outcome").GetString());
        Assert.Equal(1, body.GetProperty("actual_cost").GetDouble());
        Assert.Equal(429, body.GetProperty("response").GetProperty("status").GetInt32());
        var headers = body.GetProperty("response").GetProperty("headers").EnumerateArray()
            .Select(pair => (pair[0].GetString()!.ToLowerInvariant(), pair[1].GetString()))
            .ToList();
        Assert.Contains(("date", "Thu, 03 Dec 2026 12:00:00 GMT"), headers);
        Assert.Contains(("x-ratelimit-remaining", "0"), headers);
        Assert.Contains(("x-ratelimit-reset", "1796299210"), headers);
        Assert.Contains(("retry-after", "9"), headers);
        Assert.Contains(("content-type", "application/json; charset=utf-8"), headers);
    }

    [Fact]
    public async Task ReportOutcomeAsync_SendsRawHeaderPairs_AsGiven()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(
            200, $$"""{"intent_id":"{{IntentId}}","outcome":"completed","reading":null,"updated_pools":[]}""");
        var outcome = Outcome.FromStatus(200, [KeyValuePair.Create("x-ratelimit-used", "7")], provider: "github");

        await Client(daemon.Address).ReportOutcomeAsync(IntentId, outcome, TestContext.Current.CancellationToken);

        var body = Assert.Single(daemon.Received).Body!.Value;
        Assert.Equal("completed", body.GetProperty("outcome").GetString());
        Assert.Equal("github", body.GetProperty("provider").GetString());
        Assert.Equal(
            """[["x-ratelimit-used","7"]]""",
            body.GetProperty("response").GetProperty("headers").GetRawText());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("response").GetProperty("body").ValueKind);
    }

    [Fact]
    public async Task ReportOutcomeAsync_Throws_WhenTheDaemonDoesNotKnowTheIntent()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(
            404,
            """
            {"status":404,"title":"Not found","code":"intent_not_found","detail":"No intent is in the log.",
             "errors":{"intent_id":["No intent is in the log."]}}
            """,
            "application/problem+json");

        var refused = await Assert.ThrowsAsync<RatelordRequestException>(() => Client(daemon.Address)
            .ReportOutcomeAsync(IntentId, Outcome.Of(OutcomeKind.Completed), TestContext.Current.CancellationToken));

        Assert.Equal(404, refused.Status);
        Assert.Equal("intent_not_found", refused.Code);
    }

    [Fact]
    public async Task ReportOutcomeAsync_LogsAndReturns_WhenTheDaemonIsUnreachable()
    {
        await Client(StubDaemon.UnusedAddress())
            .ReportOutcomeAsync(IntentId, Outcome.Of(OutcomeKind.Completed), TestContext.Current.CancellationToken);

        Assert.Equal(5005, Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning).EventId.Id);
    }

    [Fact]
    public async Task ReportOutcomeAsync_SendsNothing_ForAFallbackDecision()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(500, "{}");

        await Client(daemon.Address)
            .ReportOutcomeAsync(Guid.Empty, Outcome.Of(OutcomeKind.Completed), TestContext.Current.CancellationToken);

        Assert.Empty(daemon.Received);
    }

    [Fact]
    public async Task ReportOutcomeAsync_RefusesHeadersWithoutAStatus()
    {
        var outcome = new Outcome { Headers = [KeyValuePair.Create("x-ratelimit-used", "7")] };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client(StubDaemon.UnusedAddress())
            .ReportOutcomeAsync(IntentId, outcome, TestContext.Current.CancellationToken));

        Assert.Contains("Outcome.Status", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterIdentityAsync_SendsTheIdentity_AndTellsWhetherItWasNew()
    {
        var seen = 0;
        await using var daemon = await StubDaemon.StartAsync((context, _) => Interlocked.Increment(ref seen) == 1
            ? StubDaemon.WriteAsync(context, 201, """{"identity_id":"pat:ci-bot"}""")
            : StubDaemon.WriteAsync(
                context,
                409,
                """{"status":409,"code":"identity_exists","detail":"Identity pat:ci-bot is already registered."}""",
                "application/problem+json"));
        var client = Client(daemon.Address);
        var identity = new IdentityRegistration("pat:ci-bot", "pat", "github")
        {
            Pools = [new IdentityPool("core", "org:acme")],
            Metadata = new Dictionary<string, string> { ["team"] = "ci" },
        };

        var first = await client.RegisterIdentityAsync(identity, TestContext.Current.CancellationToken);
        var second = await client.RegisterIdentityAsync(identity, TestContext.Current.CancellationToken);

        Assert.True(first);
        Assert.False(second);
        var body = daemon.Received.First().Body!.Value;
        Assert.Equal("/v1/identities", daemon.Received.First().Path);
        Assert.Equal("pat:ci-bot", body.GetProperty("identity_id").GetString());
        Assert.Equal("pat", body.GetProperty("kind").GetString());
        Assert.Equal("github", body.GetProperty("provider").GetString());
        Assert.Equal("""[{"pool":"core","shared_key":"org:acme"}]""", body.GetProperty("pools").GetRawText());
        Assert.Equal("ci", body.GetProperty("metadata").GetProperty("team").GetString());
    }

    [Fact]
    public async Task RegisterIdentityAsync_Throws_WhenTheDaemonIsUnreachable()
    {
        var address = StubDaemon.UnusedAddress();

        var failed = await Assert.ThrowsAsync<RatelordUnavailableException>(() => Client(address).RegisterIdentityAsync(
            new IdentityRegistration("pat:ci-bot", "pat", "github"), TestContext.Current.CancellationToken));

        Assert.Contains(address.ToString(), failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetHealthAsync_ReadsTheDaemonsHealth()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(
            200, """{"status":"ok","version":"0.1.0","uptime_s":12.5,"last_position":42,"store":"sqlite"}""");

        var health = await Client(daemon.Address).GetHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new DaemonHealth("ok", "0.1.0", TimeSpan.FromSeconds(12.5), 42), health);
    }

    [Fact]
    public async Task Reads_ThrowUnavailable_WhenAnotherServerAnswersWithoutTheDaemonsFields()
    {
        await using var daemon = await StubDaemon.AnsweringAsync(200, "{}");
        var client = Client(daemon.Address);
        var cancellation = TestContext.Current.CancellationToken;

        var health = await Assert.ThrowsAsync<RatelordUnavailableException>(() => client.GetHealthAsync(cancellation));
        var pools = await Assert.ThrowsAsync<RatelordUnavailableException>(() => client.GetPoolsAsync(cancellation));

        Assert.Contains(
            "this is not a Ratelord daemon (GET /v1/health answered without status and version)",
            health.Message,
            StringComparison.Ordinal);
        Assert.Contains("(GET /v1/pools answered without as_of and pools)", pools.Message, StringComparison.Ordinal);
    }

    private RatelordClient Client(Uri address) =>
        new(_http, new RatelordClientOptions { BaseAddress = address }, _log, _time);

    private static string Modified(string wait, string deferUntil, DateTimeOffset? asOf = null) => $$$"""
        {"intent_id":"{{{IntentId}}}","decision":"approve_with_modifications",
         "modifications":{"wait_seconds":{{{wait}}},"defer_until":{{{deferUntil}}},"identity_switch":null},
         "reason":"pool_exhausted","retry_after_s":null,"valid_until":null,
         "evaluation":{"as_of":"{{{asOf ?? Start:O}}}","risk_summary":"","tightest_pool":null,
           "policy_version":"builtin"}}
        """;
}
