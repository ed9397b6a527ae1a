using System.Text.Json;
using Ratelord.Core.Policies;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Host;

/// <summary>
/// Workloads from a policy file: an intent draws from every pool its workload maps to, the tightest
/// pool decides, and a policy file with an error stops the daemon with a message naming file and line.
/// </summary>
public sealed class PolicyWorkloadTests : IDisposable
{
    private const string ChatPolicy = """
        # Chat completions cost one request and the tokens the agent expects to use.
        workloads:
          chat:
            pools:
              - provider: openai
                pool: requests
                cost: 1
              - provider: openai
                pool: tokens
                cost: expected
        """;

    private readonly TempDirectory _directory = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ChatIntent_IsCheckedAgainstRequestsAndTokens_AndTheTokensPoolDecidesWhenItIsTightest()
    {
        await using var daemon = await StartWithPolicyAsync();
        var http = daemon.Http;
        await http.RegisterIdentityAsync("key:chat", provider: "openai", kind: "api_key");
        await http.ObserveAsync(OpenAi("key:chat", requests: (100, 99, "60s"), tokens: (10000, 500, "30s")));

        var first = await http.SubmitIntentAsync(
            "agent-chat", "key:chat", "chat", expectedCost: 400, debug: true, urgency: "high");
        var afterFirst = await PoolsAsync(http);
        var second = await http.SubmitIntentAsync("agent-chat", "key:chat", "chat", expectedCost: 400, urgency: "high");
        var tooBig = await http.SubmitIntentAsync(
            "agent-chat", "key:chat", "chat", expectedCost: 20000, urgency: "high");
        var afterAll = await PoolsAsync(http);

        Assert.Equal("approve", first.Text("decision"));
        var trace = first.GetProperty("trace").GetProperty("pools").EnumerateArray()
            .ToDictionary(c => c.Text("pool_id"), c => c.Number("cost"));
        Assert.Equal(
            new Dictionary<string, double> { ["openai/requests@key:chat"] = 1, ["openai/tokens@key:chat"] = 400 },
            trace);
        Assert.Equal(1, afterFirst["openai/requests@key:chat"].GetProperty("reserved").GetDouble());
        Assert.Equal(400, afterFirst["openai/tokens@key:chat"].GetProperty("reserved").GetDouble());

        Assert.Equal("approve_with_modifications", second.Text("decision"));
        Assert.Equal("openai/tokens@key:chat", TightestPool(second));
        Assert.Equal(
            ResetAt(afterFirst["openai/tokens@key:chat"]) + CapacityRule.ResetGuard,
            StartOf(second),
            TimeSpan.FromMilliseconds(1));
        Assert.True(
            StartOf(second) < ResetAt(afterFirst["openai/requests@key:chat"]),
            "Requests had room before their reset.");

        Assert.Equal("deny_with_reason", tooBig.Text("decision"));
        Assert.Equal("cost_exceeds_pool_limit", tooBig.Text("reason"));
        Assert.Equal("openai/tokens@key:chat", TightestPool(tooBig));
        Assert.Equal(2, afterAll["openai/requests@key:chat"].GetProperty("reserved").GetDouble());
        Assert.Equal(800, afterAll["openai/tokens@key:chat"].GetProperty("reserved").GetDouble());
    }

    [Fact]
    public async Task ChatIntent_WaitsForTheRequestsPool_WhenRequestsAreTheTightest()
    {
        await using var daemon = await StartWithPolicyAsync();
        var http = daemon.Http;
        await http.RegisterIdentityAsync("key:chat", provider: "openai", kind: "api_key");
        await http.ObserveAsync(OpenAi("key:chat", requests: (100, 0, "45s"), tokens: (10000, 10000, "5s")));
        var pools = await PoolsAsync(http);

        var decision = await http.SubmitIntentAsync(
            "agent-chat", "key:chat", "chat", expectedCost: 50, urgency: "high");

        Assert.Equal("approve_with_modifications", decision.Text("decision"));
        Assert.Equal("pool_exhausted", decision.Text("reason"));
        Assert.Equal("openai/requests@key:chat", TightestPool(decision));
        Assert.Equal(
            ResetAt(pools["openai/requests@key:chat"]) + CapacityRule.ResetGuard,
            StartOf(decision),
            TimeSpan.FromMilliseconds(1));
        Assert.StartsWith(
            "sha256:", decision.GetProperty("evaluation").Text("policy_version"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Intent_OfAWorkloadThePolicyDoesNotName_DrawsCostOneFromTheDefaultPool()
    {
        await using var daemon = await StartWithPolicyAsync();
        var http = daemon.Http;
        await http.RegisterIdentityAsync("key:chat", provider: "openai", kind: "api_key");
        await http.ObserveAsync(OpenAi("key:chat", requests: (100, 100, "60s"), tokens: (10000, 10000, "60s")));

        var decision = await http.SubmitIntentAsync(
            "agent-1", "key:chat", "embedding", expectedCost: 900, debug: true, urgency: "high");

        var check = Assert.Single(decision.GetProperty("trace").GetProperty("pools").EnumerateArray());
        Assert.Equal("openai/requests@key:chat", check.Text("pool_id"));
        Assert.Equal(1, check.GetProperty("cost").GetDouble());
    }

    public static TheoryData<string, string, int> BrokenPolicies => new()
    {
        {
            "a cost that is not a number",
            "workloads:\n  chat:\n    pools:\n      - provider: openai\n        pool: requests\n        cost: 1\n"
            + "      - provider: openai\n        pool: tokens\n        cost: lots\n",
            7
        },
        {
            "an unknown section",
            "workloads:\n  chat:\n    pools:\n      - provider: openai\n        pool: requests\nworkload:\n  x: 1\n",
            6
        },
        {
            "a pool entry without its pool",
            "workloads:\n  chat:\n    pools:\n      - provider: openai\n        cost: 1\n",
            4
        },
        {
            "broken YAML",
            "workloads:\n  chat:\n    pools: [\n      - provider: openai\n",
            4
        },
    };

    [Theory]
    [MemberData(nameof(BrokenPolicies))]
    public async Task BrokenPolicyFile_MakesTheDaemonExitNonZero_NamingFileAndLine(string what, string yaml, int line)
    {
        var policy = _directory.File($"broken-{what.Replace(' ', '-')}.yaml");
        await File.WriteAllTextAsync(policy, yaml, Cancellation);

        var (exitCode, output, errors) = await DaemonProcess.RunToExitAsync(
            _directory.Path,
            "--port", "0", "--db", _directory.File("ratelord.db"), "--policy", policy);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"{policy}:{line}:", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
    }

    private async Task<InProcessDaemon> StartWithPolicyAsync()
    {
        var policy = _directory.File("policy.yaml");
        await File.WriteAllTextAsync(policy, ChatPolicy, Cancellation);

        return await InProcessDaemon.StartAsync(_directory.File("ratelord.db"), policy);
    }

    private static object OpenAi(
        string identityId,
        (double Limit, double Remaining, string Reset) requests,
        (double Limit, double Remaining, string Reset) tokens) =>
        ProviderBodies.Observation(
            "openai",
            identityId,
            200,
            ("date", ProviderBodies.HttpDate(DateTimeOffset.UtcNow)),
            ("x-ratelimit-limit-requests", ProviderBodies.Number(requests.Limit)),
            ("x-ratelimit-remaining-requests", ProviderBodies.Number(requests.Remaining)),
            ("x-ratelimit-reset-requests", requests.Reset),
            ("x-ratelimit-limit-tokens", ProviderBodies.Number(tokens.Limit)),
            ("x-ratelimit-remaining-tokens", ProviderBodies.Number(tokens.Remaining)),
            ("x-ratelimit-reset-tokens", tokens.Reset));

    private static async Task<Dictionary<string, JsonElement>> PoolsAsync(HttpClient http) =>
        (await http.GetJsonAsync("/v1/pools")).GetProperty("pools").EnumerateArray()
            .ToDictionary(p => p.Text("pool_id"));

    private static string TightestPool(JsonElement decision) =>
        decision.GetProperty("evaluation").GetProperty("tightest_pool").Text("pool_id");

    private static DateTimeOffset ResetAt(JsonElement pool) => pool.GetProperty("reset_at").GetDateTimeOffset();

    private static DateTimeOffset StartOf(JsonElement decision)
    {
        var modifications = decision.GetProperty("modifications");
        if (modifications.GetProperty("defer_until") is { ValueKind: JsonValueKind.String } deferUntil)
        {
            return deferUntil.GetDateTimeOffset();
        }

        return decision.GetProperty("evaluation").GetProperty("as_of").GetDateTimeOffset()
            .AddSeconds(modifications.GetProperty("wait_seconds").GetDouble());
    }

    [Fact]
    public async Task Reload_OfABrokenFile_IsAProblem_ListingEveryError_AndTheOldPolicyStays()
    {
        var path = _directory.File("policy.yaml");
        await File.WriteAllTextAsync(path, ChatPolicy, Cancellation);
        await using var daemon = await InProcessDaemon.StartAsync(_directory.File("ratelord.db"), path);
        var before = (await daemon.Http.GetJsonAsync("/v1/policy")).GetProperty("version").GetString();
        await File.WriteAllTextAsync(
            path,
            "workloads:\n  chat: { pools: [ { provider: openai }\npolicies: [\n",
            Cancellation);

        using var response = await daemon.Http.PostAsync("/v1/policy/reload", null, Cancellation);

        var problem = await Api.AssertProblemAsync(response, 422, "policy_rejected");
        Assert.NotEmpty(problem.GetProperty("errors").GetProperty("policy").EnumerateArray());
        Assert.False(problem.GetProperty("last_reload").GetProperty("accepted").GetBoolean());
        Assert.Equal(before, problem.GetProperty("version").GetString());
        Assert.Equal(before, (await daemon.Http.GetJsonAsync("/v1/policy")).GetProperty("version").GetString());
    }
}
