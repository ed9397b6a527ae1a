using System.Text.Json;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Host;

/// <summary>
/// Many agents asking at once, over HTTP against a running daemon: the pool is never over-committed,
/// and everyone who cannot go now is told when they can, or why not.
/// </summary>
public sealed class ConcurrentIntentTests : IAsyncLifetime
{
    private const int Agents = 64;

    private readonly TempDirectory _directory = new();
    private InProcessDaemon _daemon = null!;

    private HttpClient Http => _daemon.Http;

    public async ValueTask InitializeAsync() =>
        _daemon = await InProcessDaemon.StartAsync(_directory.File("ratelord.db"));

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task SixtyFourAtOnce_ApproveExactlyWhatRemains_AndShapeTheRestPastTheReset()
    {
        await Http.RegisterIdentityAsync("pat:busy");
        var date = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);
        await Http.ObserveAsync(
            ProviderBodies.GitHub("pat:busy", date, limit: 100, remaining: 10, reset: date.AddSeconds(60)));
        var resetAt = await ResetAtAsync("github/core@pat:busy");

        var decisions = await SubmitConcurrentlyAsync("pat:busy");

        var immediate = decisions.Where(d => d.Text("decision") == "approve").ToList();
        Assert.Equal(10, immediate.Count);
        Assert.All(
            immediate,
            d => Assert.True(d.IsNull("modifications"), $"An immediate approval carries no wait: {d}"));
        foreach (var decision in decisions.Except(immediate))
        {
            switch (decision.Text("decision"))
            {
                case "approve_with_modifications":
                    var start = StartOf(decision);
                    Assert.True(
                        start >= resetAt.AddMilliseconds(-1),
                        $"A wait lands at or after the reset {resetAt:O}: {decision}");
                    break;
                case "deny_with_reason":
                    Assert.False(decision.IsNull("reason"), $"A denial names its reason: {decision}");
                    Assert.True(decision.Number("retry_after_s") > 0, $"A denial says when to retry: {decision}");
                    break;
                default:
                    Assert.Fail($"Unexpected decision: {decision}");
                    break;
            }
        }

        var pool = await PoolAsync("github/core@pat:busy");
        var shaped = decisions.Count(d => d.Text("decision") == "approve_with_modifications");
        Assert.Equal(10 + shaped, pool.GetProperty("reserved").GetDouble());
        Assert.True(
            shaped <= 100 - 10,
            $"The window after the reset holds the 10 approvals still in flight; {shaped} waits overfill it.");
        Assert.Equal(Agents, decisions.Select(d => d.Text("intent_id")).Distinct().Count());
    }

    [Fact]
    public async Task SixtyFourAtOnce_WithOnlyRemainingKnown_ApproveWhatRemains_AndDenyTheRestWithRetryAfter()
    {
        await Http.RegisterIdentityAsync("key:azure", provider: "azure-openai");
        await Http.ObserveAsync(ProviderBodies.Observation(
            "azure-openai",
            "key:azure",
            200,
            ("date", ProviderBodies.HttpDate(DateTimeOffset.UtcNow)),
            ("x-ratelimit-remaining-requests", "10"),
            ("x-ratelimit-remaining-tokens", "90000")));

        var decisions = await SubmitConcurrentlyAsync("key:azure");

        Assert.Equal(10, decisions.Count(d => d.Text("decision") == "approve"));
        var denied = decisions.Where(d => d.Text("decision") != "approve").ToList();
        Assert.Equal(Agents - 10, denied.Count);
        Assert.All(denied, d => Assert.Equal("deny_with_reason", d.Text("decision")));
        Assert.All(denied, d => Assert.Equal("reset_unknown", d.Text("reason")));
        Assert.All(denied, d => Assert.True(d.GetProperty("retry_after_s").GetDouble() > 0, d.ToString()));
        Assert.Equal(10, (await PoolAsync("azure-openai/requests@key:azure")).GetProperty("reserved").GetDouble());
    }

    [Fact]
    public async Task SixtyFourAtOnce_WithRemainingAndResetButNoLimit_DenyTheRestUntilTheReset()
    {
        await Http.RegisterIdentityAsync("key:edge", provider: "example");
        await Http.ObserveAsync(ProviderBodies.Observation(
            "ietf",
            "key:edge",
            200,
            ("date", ProviderBodies.HttpDate(DateTimeOffset.UtcNow)),
            ("RateLimit-Remaining", "10"),
            ("RateLimit-Reset", "60")));
        var resetAt = await ResetAtAsync("example/default@key:edge");

        var decisions = await SubmitConcurrentlyAsync("key:edge");

        Assert.Equal(10, decisions.Count(d => d.Text("decision") == "approve"));
        var denied = decisions.Where(d => d.Text("decision") != "approve").ToList();
        Assert.All(denied, d => Assert.Equal("deny_with_reason", d.Text("decision")));
        Assert.All(denied, d => Assert.Equal("pool_exhausted", d.Text("reason")));
        Assert.All(denied, d =>
        {
            var retryAt = d.GetProperty("evaluation").GetProperty("as_of").GetDateTimeOffset()
                .AddSeconds(d.GetProperty("retry_after_s").GetDouble());
            Assert.True(retryAt >= resetAt.AddMilliseconds(-1), $"The retry is at the reset {resetAt:O}: {d}");
        });
    }

    private async Task<List<JsonElement>> SubmitConcurrentlyAsync(string identityId)
    {
        var requests = Enumerable.Range(0, Agents)
            .Select(i => Task.Run(
                () => Http.SubmitIntentAsync($"agent-{i:00}", identityId, urgency: "high"),
                TestContext.Current.CancellationToken))
            .ToList();

        return [.. await Task.WhenAll(requests)];
    }

    private async Task<JsonElement> PoolAsync(string poolId)
    {
        var pools = await Http.GetJsonAsync("/v1/pools");

        return pools.GetProperty("pools").EnumerateArray().Single(p => p.Text("pool_id") == poolId);
    }

    private async Task<DateTimeOffset> ResetAtAsync(string poolId) =>
        (await PoolAsync(poolId)).GetProperty("reset_at").GetDateTimeOffset();

    /// <summary>When a shaped approval may start: after its wait, or at its deferral.</summary>
    private static DateTimeOffset StartOf(JsonElement decision)
    {
        var modifications = decision.GetProperty("modifications");
        if (modifications.GetProperty("defer_until") is { ValueKind: JsonValueKind.String } deferUntil)
        {
            return deferUntil.GetDateTimeOffset();
        }

        var asOf = decision.GetProperty("evaluation").GetProperty("as_of").GetDateTimeOffset();

        return asOf.AddSeconds(modifications.GetProperty("wait_seconds").GetDouble());
    }
}
