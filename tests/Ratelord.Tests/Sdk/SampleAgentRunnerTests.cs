using System.Text.Json;
using Ratelord.Samples.FakeProvider;
using Ratelord.Samples.SampleAgent;
using Ratelord.Sdk;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Sdk;

public sealed class SampleAgentRunnerTests : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task RunAsync_ReportsEveryHeaderOfEveryCall_AndCountsTheAnswers()
    {
        var intents = 0;
        await using var daemon = await StubDaemon.StartAsync((context, request) => request.Path switch
        {
            "/v1/identities" => StubDaemon.WriteAsync(context, 201, "{}"),
            "/v1/intent" => StubDaemon.WriteAsync(context, 200, Approval(Interlocked.Increment(ref intents))),
            _ => StubDaemon.WriteAsync(context, 200, "{}"),
        });
        await using var provider = new FakeGitHubServer(new FakeGitHubOptions { Limit = 100 });
        var providerAddress = await provider.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var result = await Runner(daemon.Address).RunAsync(
            new SampleAgentOptions { ProviderAddress = providerAddress, Calls = 20, Agents = 4 },
            TestContext.Current.CancellationToken);

        Assert.Equal((20, 20, 0, 0), (result.Calls, result.Ok, result.Throttled, result.DeniedThenRetried));
        Assert.Equal(20, provider.TotalRequests);
        var registration = Assert.Single(daemon.Received, r => r.Path == "/v1/identities").Body!.Value;
        Assert.Equal("pat:sample", registration.GetProperty("identity_id").GetString());
        Assert.Equal("github", registration.GetProperty("provider").GetString());
        var outcomes = daemon.Received.Where(r => r.Path.EndsWith("/outcome", StringComparison.Ordinal)).ToList();
        Assert.Equal(20, outcomes.Count);
        Assert.All(outcomes, outcome =>
        {
            var headers = HeaderNames(outcome.Body!.Value);
            Assert.Contains("x-ratelimit-remaining", headers);
            Assert.Contains("x-ratelimit-reset", headers);
            Assert.Contains("date", headers);
        });
        Assert.Matches(@"^calls=20 ok=20 throttled=0 denied_then_retried=0 elapsed_s=[0-9.]+$", result.ToSummaryLine());
    }

    [Fact]
    public async Task RunAsync_AsksAgain_AfterADeny()
    {
        var intents = 0;
        await using var daemon = await StubDaemon.StartAsync((context, request) => request.Path switch
        {
            "/v1/identities" => StubDaemon.WriteAsync(context, 409, """{"status":409,"code":"identity_exists"}"""),
            "/v1/intent" when Interlocked.Increment(ref intents) == 1 => StubDaemon.WriteAsync(
                context,
                200,
                """
                {"intent_id":"00000000-0000-0000-0000-0000000000aa","decision":"deny_with_reason",
                 "reason":"pool_unobserved","retry_after_s":0.01,
                 "evaluation":{"as_of":"2026-12-03T12:00:00Z","risk_summary":"","policy_version":"builtin"}}
                """),
            "/v1/intent" => StubDaemon.WriteAsync(context, 200, Approval(intents)),
            _ => StubDaemon.WriteAsync(context, 200, "{}"),
        });
        await using var provider = new FakeGitHubServer();
        var providerAddress = await provider.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var result = await Runner(daemon.Address).RunAsync(
            new SampleAgentOptions { ProviderAddress = providerAddress, Calls = 3, Agents = 1 },
            TestContext.Current.CancellationToken);

        Assert.Equal((3, 3, 1), (result.Calls, result.Ok, result.DeniedThenRetried));
        Assert.Equal(4, daemon.Received.Count(r => r.Path == "/v1/intent"));
    }

    /// <summary>
    /// The whole loop through the doors a user uses: the real daemon on a temporary log, the fake provider with a
    /// limit small enough to hit several times over, and agents that must never see a 429.
    /// </summary>
    [Fact]
    public async Task RunAsync_AgainstTheDaemon_IsNeverThrottled()
    {
        var folder = Directory.CreateTempSubdirectory("ratelord-sample-");
        try
        {
            await using var daemon = await InProcessDaemon.StartAsync(Path.Combine(folder.FullName, "ratelord.db"));
            await using var provider = new FakeGitHubServer(
                new FakeGitHubOptions { Limit = 10, Window = TimeSpan.FromSeconds(1) });
            var providerAddress = await provider.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

            var result = await Runner(daemon.BaseAddress).RunAsync(
                new SampleAgentOptions { ProviderAddress = providerAddress, Calls = 35, Agents = 4 },
                TestContext.Current.CancellationToken);

            Assert.Equal(35, result.Calls);
            Assert.Equal(0, result.Throttled);
            Assert.Equal(35, result.Ok);
            Assert.Equal(0, provider.Throttled429);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private SampleAgentRunner Runner(Uri daemon) =>
        new(new RatelordClient(_http, new RatelordClientOptions { BaseAddress = daemon }), _http);

    private static string Approval(int n) => $$$"""
        {"intent_id":"00000000-0000-0000-0000-{{{n:000000000000}}}","decision":"approve","modifications":null,
         "reason":null,"retry_after_s":null,"valid_until":null,
         "evaluation":{"as_of":"2026-12-03T12:00:00Z","risk_summary":"","tightest_pool":null,
           "policy_version":"builtin"}}
        """;

    private static List<string> HeaderNames(JsonElement outcome) =>
    [
        .. outcome.GetProperty("response").GetProperty("headers").EnumerateArray()
            .Select(pair => pair[0].GetString()!.ToLowerInvariant()),
    ];
}
