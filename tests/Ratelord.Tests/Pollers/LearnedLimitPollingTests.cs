using System.Text.Json;
using Ratelord.Tests.Infrastructure;
using static Ratelord.Tests.Pollers.ProviderAnswers;

namespace Ratelord.Tests.Pollers;

/// <summary>
/// GitHub's secondary limits throttle while the primary pool has plenty left: the daemon remembers
/// that as a learned limit, shows it in <c>GET /v1/pools</c>, and paces later intents by it.
/// </summary>
public sealed class LearnedLimitPollingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task RepeatedSecondaryLimits_BecomeALearnedLimit_ThatLaterIntentsRespect()
    {
        var github = PollingSetup.Credential("github");
        var secondary = true;
        await using var server = await LoopbackProvider.StartAsync(_ =>
        {
            var now = DateTimeOffset.UtcNow;

            return secondary
                ? GitHubSecondaryLimit(now, Epoch(now) + 3000)
                : GitHubRateLimit(now, Epoch(now) + 3000, Epoch(now) + 60, Epoch(now) + 3000);
        });
        var providers = PollingSetup.ProvidersFile(
            _directory,
            $"""
            id: github-ci
            kind: github
            base_url: {server.BaseAddress}
            identity_id: pat:busy
            credential_env: {github.Variable}
            interval: 200ms
            max_backoff: 400ms
            """);
        await using var daemon = await PollingDaemon.StartAsync(_directory.File("ratelord.db"), providers);
        await daemon.Http.RegisterIdentityAsync("pat:busy");

        await Poll.UntilAsync(
            async () => (await daemon.GetAsync("/v1/pools")).GetProperty("learned_limits").GetArrayLength() > 0,
            "two secondary limits make a learned limit");
        var learned = (await daemon.GetAsync("/v1/pools")).GetProperty("learned_limits")[0];
        Assert.Equal("github", learned.Text("provider"));
        Assert.Equal("pat:busy", learned.Text("identity_id"));
        Assert.Equal("sentinel:unspecified", learned.Text("workload_id"));
        Assert.Equal(1, learned.GetProperty("max_intents").GetInt32());
        Assert.Equal(60, learned.GetProperty("window_s").GetDouble());
        Assert.True(learned.GetProperty("evidence").GetInt32() >= 2);
        Assert.Contains("every known pool had room", learned.Text("reason"), StringComparison.Ordinal);
        var provider = await daemon.ProviderAsync("github-ci");
        Assert.Equal("429", provider.GetProperty("last_error").Text("kind"));

        secondary = false;
        await Poll.UntilAsync(
            async () => (await daemon.ProviderAsync("github-ci")).Text("status") == "ok"
                && await daemon.PoolAsync("github/core@pat:busy") is { } core
                && core.IsNull("throttled_until"),
            "polls succeed again and the throttle has passed");

        var first = await daemon.Http.SubmitIntentAsync("agent-1", "pat:busy");
        var second = await daemon.Http.SubmitIntentAsync("agent-2", "pat:busy");

        // The first may be shaped a little for risk by the policy; the learned limit is what holds the second.
        Assert.NotEqual("deny_with_reason", first.Text("decision"));
        Assert.Equal("approve_with_modifications", second.Text("decision"));
        Assert.Equal("learned_limit", second.Text("reason"));
        var firstStart = StartOf(first);
        var secondStart = StartOf(second);
        Assert.InRange((secondStart - firstStart).TotalSeconds, 59, 61);
    }

    /// <summary>When a decided intent may start: its evaluation time, plus its wait or at its deferral.</summary>
    private static DateTimeOffset StartOf(JsonElement decision)
    {
        var asOf = decision.GetProperty("evaluation").GetProperty("as_of").GetDateTimeOffset();
        if (decision.GetProperty("modifications") is not { ValueKind: JsonValueKind.Object } modifications)
        {
            return asOf;
        }

        return modifications.GetProperty("defer_until") is { ValueKind: JsonValueKind.String } deferred
            ? deferred.GetDateTimeOffset()
            : asOf.AddSeconds(modifications.GetProperty("wait_seconds").GetDouble());
    }
}
