using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Ratelord.Sdk;

namespace Ratelord.Tests.Sdk;

/// <summary>
/// The client registered with <c>AddRatelordClient</c> retries what the daemon says to retry (503, and its own 429
/// with <c>Retry-After</c>) through its resilience pipeline, and nothing else.
/// </summary>
public sealed class DaemonRetryTests
{
    private const string Approval = """
        {"intent_id":"0b5e7c1e-8f4a-4d7e-9a51-3c2f6d1e9b20","decision":"approve",
         "evaluation":{"as_of":"2026-12-03T12:00:00Z","risk_summary":"","policy_version":"builtin"}}
        """;

    private static readonly Intent ReadRepo = new("crawler-01", "pat:ci-bot", "repo_read", "repo:acme/web");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ask_IsRetried_WhenTheDaemonAnswers503()
    {
        var asked = 0;
        await using var daemon = await StubDaemon.StartAsync((context, _) =>
            Interlocked.Increment(ref asked) <= 2
                ? StubDaemon.WriteAsync(context, 503, """{"status":503,"code":"starting"}""")
                : StubDaemon.WriteAsync(context, 200, Approval));
        await using var services = Services(daemon.Address);

        var decision = await services.GetRequiredService<IRatelordClient>().AskAsync(ReadRepo, Ct);

        Assert.True(decision.IsApproved);
        Assert.False(decision.IsFallback);
        Assert.Equal(3, asked);
    }

    [Fact]
    public async Task Ask_WaitsTheDaemonsRetryAfter_WhenItAnswers429()
    {
        var asked = 0;
        await using var daemon = await StubDaemon.StartAsync((context, _) =>
        {
            if (Interlocked.Increment(ref asked) == 1)
            {
                context.Response.Headers.RetryAfter = "1";

                return StubDaemon.WriteAsync(context, 429, """{"status":429,"code":"too_many_requests"}""");
            }

            return StubDaemon.WriteAsync(context, 200, Approval);
        });
        await using var services = Services(daemon.Address);
        var clock = Stopwatch.StartNew();

        var decision = await services.GetRequiredService<IRatelordClient>().AskAsync(ReadRepo, Ct);

        Assert.True(decision.IsApproved);
        Assert.Equal(2, asked);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, not Retry-After");
    }

    [Fact]
    public async Task Ask_FallsBackOnTheFailureMode_OnceTheRetriesAreSpent()
    {
        var asked = 0;
        await using var daemon = await StubDaemon.StartAsync((context, _) =>
        {
            Interlocked.Increment(ref asked);

            return StubDaemon.WriteAsync(context, 503, """{"status":503}""");
        });
        await using var services = Services(daemon.Address, retries: 2);

        var decision = await services.GetRequiredService<IRatelordClient>().AskAsync(ReadRepo, Ct);

        Assert.Equal(DecisionReasons.DaemonUnreachable, decision.Reason);
        Assert.Equal(3, asked);
    }

    [Fact]
    public async Task Ask_IsNotRetried_On500_OrOnARefusal()
    {
        var asked = 0;
        await using var daemon = await StubDaemon.StartAsync((context, _) =>
        {
            Interlocked.Increment(ref asked);

            return StubDaemon.WriteAsync(context, 500, """{"status":500}""");
        });
        await using var services = Services(daemon.Address);

        var decision = await services.GetRequiredService<IRatelordClient>().AskAsync(ReadRepo, Ct);

        Assert.Equal(DecisionReasons.DaemonUnreachable, decision.Reason);
        Assert.Equal(1, asked);
    }

    private static ServiceProvider Services(Uri daemon, int retries = RatelordClientOptions.DefaultMaxRetryAttempts)
    {
        var services = new ServiceCollection();
        services.AddRatelordClient(o =>
        {
            o.BaseAddress = daemon;
            o.MaxRetryAttempts = retries;
        });

        return services.BuildServiceProvider();
    }
}
