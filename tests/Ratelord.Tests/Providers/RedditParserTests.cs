using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class RedditParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new RedditParser();

    protected override ProviderResponse Typical => Dated(
        200,
        ("x-ratelimit-used", "5"),
        ("x-ratelimit-remaining", "595.0"),
        ("x-ratelimit-reset", "412"));

    [Fact]
    public void Limit_IsUnknown_BecauseRedditDoesNotSendIt()
    {
        Assert.Null(Parser.Read(Typical).Pool("default").Limit);
    }

    [Fact]
    public void Decimals_AreReadEverywhere()
    {
        var response = Dated(200, ("x-ratelimit-used", "5.0"), ("x-ratelimit-remaining", "594.5"));

        var pool = Parser.Read(response).Pool("default");

        Near(5, pool.Used, "used");
        Near(594.5, pool.Remaining, "remaining");
    }

    [Fact]
    public void Remaining_IsUnknown_WhenNegative()
    {
        var response = Dated(200, ("x-ratelimit-used", "603"), ("x-ratelimit-remaining", "-3.0"));

        Assert.Null(Parser.Read(response).Pool("default").Remaining);
    }

    [Fact]
    public void Throttled_WaitsForTheReset_WhenRemainingIsZero()
    {
        var response = Dated(
            429,
            ("x-ratelimit-used", "600"),
            ("x-ratelimit-remaining", "0.0"),
            ("x-ratelimit-reset", "30"));

        Near(30, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void ResetDelay_NeedsNoDate()
    {
        var response = Undated(200, ("x-ratelimit-used", "1"), ("x-ratelimit-reset", "412"));

        Near(412, Parser.Read(response).Pool("default").ResetInSeconds, "reset");
    }

    [Fact]
    public void CanRead_LeavesResponsesWithALimitToGitHubAndEnvoy()
    {
        Assert.False(Parser.CanRead(Typical.WithHeaders(("x-ratelimit-limit", "600"))));
    }
}
