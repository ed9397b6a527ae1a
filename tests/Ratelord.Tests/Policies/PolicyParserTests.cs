using Ratelord.Core.Policies;

namespace Ratelord.Tests.Policies;

public sealed class PolicyParserTests
{
    [Fact]
    public void Parse_ReadsTheDocumentedExample()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "policies", "example.yaml"));

        var policy = PolicyParser.Parse(text, "example.yaml");

        Assert.Equal(2, policy.Policies.Count);
        Assert.Equal(3, policy.RuleCount);
        Assert.Equal(2, policy.Workloads.Workloads.Count);
        Assert.Equal(2.5, policy.Pricing.MicroUsdOf("openai", "tokens"));
        var budget = Assert.Single(policy.Budgets);
        Assert.Equal(50, budget.LimitUsd);
        Assert.Equal(PolicyLevel.Scope, policy.Policies[1].Level);
        Assert.StartsWith("sha256:", policy.Version, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: [ 1\nc: 2\n")]
    [InlineData("workloads:\n  repo_scan: { pools: [ { provider: github, pool: core, cost: 1 }\npolicies: [\n")]
    public void Parse_OfAnUnclosedFlowCollection_IsAPolicyError_WithTheFileAndALine(string text)
    {
        var exception = Assert.Throws<PolicyException>(() => PolicyParser.Parse(text, "unclosed.yaml"));

        var error = Assert.Single(exception.Errors);
        Assert.Matches(@"^unclosed\.yaml:\d+: ", error);
        Assert.Contains("not valid YAML", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("foo(pool.remaining) > 1", "cannot be evaluated")]
    [InlineData("pool.remaining < 'abc'", "cannot be evaluated")]
    [InlineData("42", "does not yield true or false")]
    [InlineData("pool.remaining + 1", "does not yield true or false")]
    public void Parse_RefusesAConditionThatCouldNeverDecide(string condition, string why)
    {
        var text = $"""
            policies:
              - id: a
                scope: global
                rules:
                  - name: one
                    condition: "{condition}"
                    action: deny
            """;

        var exception = Assert.Throws<PolicyException>(() => PolicyParser.Parse(text, "p.yaml"));

        Assert.Contains(
            exception.Errors,
            e => e.StartsWith("p.yaml:6:", StringComparison.Ordinal) && e.Contains(why, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("workloads:\n  v: { pools: [] }\n")]
    public void Parse_RefusesAFileThatWouldDropEveryCheck_AnEmptyOneOrAWorkloadWithoutPools(string text)
    {
        Assert.Throws<PolicyException>(() => PolicyParser.Parse(text, "p.yaml"));
    }

    [Fact]
    public void Parse_ReportsEveryErrorWithLineAndField()
    {
        const string Broken = """
            policies:
              - id: a
                scope: global
                rules:
                  - name: one
                    condition: "pool.remainder < 10"
                    action: deny
                  - name: two
                    condition: "pool.remaining <"
                    action: explode
            budgets:
              - { id: b, limit_usd: -3, window: weekly }
            """;

        var exception = Assert.Throws<PolicyException>(() => PolicyParser.Parse(Broken, "broken.yaml"));

        Assert.Contains(
            exception.Errors,
            e => e.StartsWith("broken.yaml:6:", StringComparison.Ordinal)
                && e.Contains("'pool.remainder'", StringComparison.Ordinal));
        Assert.Contains(
            exception.Errors,
            e => e.StartsWith("broken.yaml:9:", StringComparison.Ordinal)
                && e.Contains("cannot be parsed", StringComparison.Ordinal));
        Assert.Contains(
            exception.Errors,
            e => e.Contains("policies.a.rules[1].action", StringComparison.Ordinal)
                && e.Contains("explode", StringComparison.Ordinal));
        Assert.Contains(exception.Errors, e => e.Contains("budgets[0].limit_usd", StringComparison.Ordinal));
        Assert.Contains(exception.Errors, e => e.Contains("budgets[0].window", StringComparison.Ordinal));
        Assert.Equal(5, exception.Errors.Count);
    }

    [Theory]
    [InlineData("agent.labels.team == 'infra'")]
    [InlineData("time.hour >= 9 and time.hour < 17 and time.weekday != 'sunday'")]
    [InlineData("tte.p99_s < ttr_s or margin_s < 0")]
    [InlineData("budget.remaining_usd < 5 and intent.expected_cost > 1000")]
    [InlineData("not (identity.burn_share > 0.5)")]
    public void Condition_AcceptsTheDocumentedNames(string condition)
    {
        var compiled = Condition.TryCompile(condition, out var error);

        Assert.Null(error);
        Assert.NotNull(compiled);
    }

    [Fact]
    public void Condition_ComparesStringsInsideQuotesWithoutTouchingThem()
    {
        var condition = Condition.TryCompile("scope.id == 'org.acme' and pool.remaining >= 1", out _)!;

        var holds = condition.Evaluate(
            new Dictionary<string, object?> { ["scope.id"] = "org.acme", ["pool.remaining"] = 3d },
            out var error);

        Assert.Null(error);
        Assert.True(holds);
    }

    [Fact]
    public void Parse_JsonIsReadToo()
    {
        var policy = PolicyParser.Parse(
            """{"policies":[{"id":"j","pool":"github/core","rules":"""
                + """[{"name":"r","condition":"pool.remaining < 5","action":"shape"}]}]}""",
            "p.json");

        Assert.Equal(PolicyLevel.Pool, policy.Policies[0].Level);
        Assert.Equal("github/core", policy.Policies[0].Selector);
    }
}
