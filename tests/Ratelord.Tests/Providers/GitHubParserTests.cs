using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class GitHubParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new GitHubParser();

    protected override ProviderResponse Typical => Dated(
        200,
        ("x-ratelimit-limit", "5000"),
        ("x-ratelimit-remaining", "4990"),
        ("x-ratelimit-used", "10"),
        ("x-ratelimit-reset", "1796301000"),
        ("x-ratelimit-resource", "core"));

    [Fact]
    public void Pool_IsNamedByTheResourceHeader()
    {
        var response = Dated(200, ("x-ratelimit-remaining", "28"), ("x-ratelimit-resource", "code_search"));

        var reading = Parser.Read(response);

        Near(28, reading.Pool("code_search").Remaining, "remaining");
    }

    [Fact]
    public void Pool_IsCore_WhenTheResourceHeaderIsMissingOrEmpty()
    {
        var response = Dated(200, ("x-ratelimit-remaining", "28"), ("x-ratelimit-resource", " "));

        var reading = Parser.Read(response);

        Assert.Equal("core", Assert.Single(reading.Pools).Pool);
    }

    [Fact]
    public void Forbidden_IsNotLimited_WhenNothingMarksItAsARateLimit()
    {
        var response = Typical.WithStatus(403).WithBody("""{"message":"Resource not accessible by integration"}""");

        var reading = Parser.Read(response);

        Assert.False(reading.Limited);
        Assert.Null(reading.RetryAfterSeconds);
        Assert.Null(reading.RetryAfterMinSeconds);
    }

    [Fact]
    public void Forbidden_IsLimited_WhenTheMessageSpeaksOfARateLimit()
    {
        var response = Typical.WithStatus(403).WithBody("""{"message":"You have exceeded a secondary rate limit."}""");

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Near(60, reading.RetryAfterMinSeconds, "minimum wait");
        Assert.Null(reading.RetryAfterSeconds);
    }

    [Fact]
    public void SecondaryLimit_WaitsAtLeastAMinute_On429WithoutRetryAfter()
    {
        var reading = Parser.Read(Typical.WithStatus(429));

        Assert.True(reading.Limited);
        Assert.Null(reading.RetryAfterSeconds);
        Near(60, reading.RetryAfterMinSeconds, "minimum wait");
    }

    [Fact]
    public void PrimaryLimit_WaitsAtLeastAMinute_WhenTheResetIsUnreadable()
    {
        var response = Dated(403, ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "soon"));

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Assert.Null(reading.RetryAfterSeconds);
        Near(60, reading.RetryAfterMinSeconds, "minimum wait");
    }

    [Fact]
    public void RetryAfter_TakesPrecedence_OverTheExhaustedPoolsReset()
    {
        var response = Dated(
            403,
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1796299800"),
            ("retry-after", "30"));

        var reading = Parser.Read(response);

        Near(30, reading.RetryAfterSeconds, "retry after");
        Near(600, reading.Pool("core").ResetInSeconds, "reset");
    }

    [Fact]
    public void Remaining_IsTheLowest_WhenTheHeaderRepeats()
    {
        var repeated = Typical.WithHeaders(("x-ratelimit-remaining", "4000"));
        var folded = Dated(200, ("x-ratelimit-remaining", "4990, 4000"));

        Near(4000, Parser.Read(repeated).Pool("core").Remaining, "remaining over two lines");
        Near(4000, Parser.Read(folded).Pool("core").Remaining, "remaining folded into one line");
    }

    [Fact]
    public void Remaining_IsUnknown_WhenOneOfTheRepeatedLinesIsGarbage()
    {
        var response = Typical.WithHeaders(("x-ratelimit-remaining", "lots"));

        var reading = Parser.Read(response);

        Assert.Null(reading.Pool("core").Remaining);
        Near(5000, reading.Pool("core").Limit, "limit");
    }

    [Fact]
    public void Remaining_IsUnknown_WhenNegative()
    {
        var response = Dated(200, ("x-ratelimit-limit", "5000"), ("x-ratelimit-remaining", "-3"));

        Assert.Null(Parser.Read(response).Pool("core").Remaining);
    }

    [Fact]
    public void Remaining_FollowsFromLimitAndUsed_WhenNotSent_AndStaysAtZeroWhenUsedIsOver()
    {
        var under = Dated(200, ("x-ratelimit-limit", "5000"), ("x-ratelimit-used", "4000"));
        var over = Dated(200, ("x-ratelimit-limit", "5000"), ("x-ratelimit-used", "5002"));

        Near(1000, Parser.Read(under).Pool("core").Remaining, "remaining under the limit");
        Near(0, Parser.Read(over).Pool("core").Remaining, "remaining over the limit");
    }

    [Fact]
    public void Reset_IsUnknown_WithoutADate()
    {
        var response = Undated(200, ("x-ratelimit-remaining", "10"), ("x-ratelimit-reset", "1796301000"));

        var reading = Parser.Read(response);

        Assert.Null(reading.ResponseDate);
        Assert.Null(reading.Pool("core").ResetInSeconds);
    }

    [Fact]
    public void Reset_IsUnknown_WhenTheDateIsUnreadable()
    {
        var response = Undated(200, ("date", "yesterday"), ("x-ratelimit-reset", "1796301000"));

        Assert.Null(Parser.Read(response).Pool("core").ResetInSeconds);
    }

    [Fact]
    public void RateLimitBody_LeavesOutTheDeprecatedRateObject_AndResourcesThatAreNotObjects()
    {
        var response = Dated(200).WithBody("""
            {
              "resources": {
                "core": { "limit": 5000, "used": 1, "remaining": 4999, "reset": 1796301600 },
                "broken": 7,
                "integration_manifest": { "limit": "5000", "used": "0", "remaining": "5000", "reset": "1796302800" }
              },
              "rate": { "limit": 5000, "used": 1, "remaining": 4999, "reset": 1796301600 }
            }
            """);

        var reading = Parser.Read(response);

        Assert.Equal(["core", "integration_manifest"], reading.Pools.Select(p => p.Pool));
        Near(3600, reading.Pool("integration_manifest").ResetInSeconds, "reset written as a string");
    }

    [Fact]
    public void RateLimitBody_WinsOverTheHeaders_ForTheSameResource()
    {
        var response = Typical.WithBody("""
            {"resources":{"core":{"limit":5000,"used":11,"remaining":4989,"reset":1796301000}}}
            """);

        var reading = Parser.Read(response);

        Near(4989, Assert.Single(reading.Pools).Remaining, "remaining");
    }

    [Fact]
    public void GraphQl_IsNotLimited_ForOtherErrorTypes()
    {
        var response = Typical.WithBody("""{"errors":[{"type":"NOT_FOUND","message":"Could not resolve"}]}""");

        Assert.False(Parser.Read(response).Limited);
    }

    [Fact]
    public void GraphQlRateLimited_IsRecognisedByItsBody_WithoutRateLimitHeaders()
    {
        var response = Dated(200).WithBody("""{"errors":[{"type":"RATE_LIMITED"}]}""");

        var reading = ProviderReader.Read(ProviderReader.Auto, response);

        Assert.Equal("github", reading.Family);
        Assert.True(reading.Limited);
        Near(60, reading.RetryAfterMinSeconds, "minimum wait");
    }

    [Fact]
    public void GraphQlRateLimitObject_IsTheGraphQlPool_ResetAtAnIsoTime()
    {
        var response = Dated(200, ("x-github-request-id", "C0DE:1:2")).WithBody("""
            {"data":{"viewer":{"login":"octocat"},
              "rateLimit":{"limit":5000,"cost":1,"remaining":4991,"used":9,"resetAt":"2026-12-03T12:40:00Z"}}}
            """);

        var reading = ProviderReader.Read(ProviderReader.Auto, response);

        Assert.Equal("github", reading.Family);
        Assert.Equal(new PoolReading("graphql", 5000, 4991, 9, 2400, null), Assert.Single(reading.Pools));
    }

    [Fact]
    public void GraphQlRateLimitObject_WinsOverTheHeaders_ForTheGraphQlResource()
    {
        var response = Dated(
            200,
            ("x-ratelimit-limit", "5000"),
            ("x-ratelimit-remaining", "4992"),
            ("x-ratelimit-reset", "1796301600"),
            ("x-ratelimit-resource", "graphql"))
            .WithBody("""{"data":{"rateLimit":{"limit":5000,"remaining":4991,"resetAt":"2026-12-03T12:40:00Z"}}}""");

        var pool = Assert.Single(Parser.Read(response).Pools);

        Near(4991, pool.Remaining, "remaining");
    }

    [Fact]
    public void GraphQlRateLimitObject_WithOnlyTheCost_SaysNothingOfThePool()
    {
        var response = Dated(200).WithBody("""{"data":{"rateLimit":{"cost":1}}}""");

        Assert.Empty(Parser.Read(response).Pools);
    }

    [Fact]
    public void GraphQlRateLimitObject_WithAnUnreadableReset_LeavesTheResetUnknown()
    {
        var response = Dated(200)
            .WithBody("""{"data":{"rateLimit":{"limit":5000,"remaining":10,"resetAt":"tomorrow"}}}""");

        var pool = Parser.Read(response).Pool("graphql");

        Near(10, pool.Remaining, "remaining");
        Assert.Null(pool.ResetInSeconds);
    }
}
