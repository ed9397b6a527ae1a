using Ratelord.Sdk;

namespace Ratelord.Tests.Sdk;

/// <summary>
/// The guard for code that is not HTTP: <c>await using var lease = await client.AcquireAsync(intent)</c> asks, waits,
/// throws on a deny, and reports the outcome when the lease is disposed.
/// </summary>
public sealed class AcquireAsyncTests : IDisposable
{
    private const string IntentId = "0b5e7c1e-8f4a-4d7e-9a51-3c2f6d1e9b20";

    private static readonly Intent Summarise = new("llm-01", "key:llm", "chat_completion", "global")
    {
        ExpectedCost = 400,
    };

    private readonly HttpClient _http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Dispose_ReportsTheOutcomeThatWasSet_WithTheRealCost()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer("approve"));
        var client = Client(daemon);

        await using (var lease = await client.AcquireAsync(Summarise, Ct))
        {
            Assert.True(lease.IsAcquired);
            Assert.Equal("key:llm", lease.IdentityId);
            Assert.DoesNotContain(daemon.Received, r => r.Path.EndsWith("/outcome", StringComparison.Ordinal));
            lease.Complete(actualCost: 131);
        }

        var outcome = Assert.Single(daemon.Received, r => r.Path == $"/v1/intent/{IntentId}/outcome").Body!.Value;
        Assert.Equal("completed", outcome.GetProperty("outcome").GetString());
        Assert.Equal(131, outcome.GetProperty("actual_cost").GetDouble());
        var intent = Assert.Single(daemon.Received, r => r.Path == "/v1/intent").Body!.Value;
        Assert.Equal(400, intent.GetProperty("expected_cost").GetDouble());
    }

    [Fact]
    public async Task Dispose_ReportsCompleted_WhenNothingWasSet_AndOnlyOnce()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer("approve"));
        var lease = await Client(daemon).AcquireAsync(Summarise, Ct);

        await lease.DisposeAsync();
        await lease.DisposeAsync();
        lease.Dispose();

        var outcome = Assert.Single(daemon.Received, r => r.Path.EndsWith("/outcome", StringComparison.Ordinal));
        Assert.Equal("completed", outcome.Body!.Value.GetProperty("outcome").GetString());
        Assert.False(outcome.Body!.Value.TryGetProperty("actual_cost", out _));
    }

    [Fact]
    public async Task SynchronousDispose_ReportsWithoutWaiting()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer("approve"));

        using (var lease = await Client(daemon).AcquireAsync(Summarise, Ct))
        {
            lease.Fail();
        }

        await Infrastructure.Poll.UntilAsync(
            () => daemon.Received.Any(r => r.Path.EndsWith("/outcome", StringComparison.Ordinal)),
            "the outcome of a lease disposed synchronously arrives");
        var outcome = Assert.Single(daemon.Received, r => r.Path.EndsWith("/outcome", StringComparison.Ordinal));
        Assert.Equal("failed", outcome.Body!.Value.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Deny_Throws_WithTheReasonAndRetryTime_AndReportsNothing()
    {
        await using var daemon = await StubDaemon.StartAsync(Answer("deny_with_reason"));

        var denied = await Assert.ThrowsAsync<RatelordDeniedException>(
            () => Client(daemon).AcquireAsync(Summarise, Ct));

        Assert.Equal(DecisionReasons.PoolExhausted, denied.Reason);
        Assert.Equal(TimeSpan.FromSeconds(9), denied.RetryAfter);
        Assert.Same(Summarise, denied.Intent);
        Assert.DoesNotContain(daemon.Received, r => r.Path.EndsWith("/outcome", StringComparison.Ordinal));
    }

    private RatelordClient Client(StubDaemon daemon) =>
        new(_http, new RatelordClientOptions { BaseAddress = daemon.Address });

    private static Func<Microsoft.AspNetCore.Http.HttpContext, StubRequest, Task> Answer(string verdict) =>
        (context, request) => request.Path == "/v1/intent"
            ? StubDaemon.WriteAsync(context, 200, $$$"""
                {"intent_id":"{{{IntentId}}}","decision":"{{{verdict}}}",
                 "reason":{{{(verdict == "approve" ? "null" : "\"pool_exhausted\"")}}},"retry_after_s":9,
                 "evaluation":{"as_of":"2026-12-03T12:00:00Z","risk_summary":"","policy_version":"builtin"}}
                """)
            : StubDaemon.WriteAsync(context, 200, "{}");
}
