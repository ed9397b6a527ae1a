using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class AzureOpenAiParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new AzureOpenAiParser();

    protected override ProviderResponse Typical => Dated(
        200,
        ("x-ratelimit-remaining-requests", "19"),
        ("x-ratelimit-remaining-tokens", "19913"));

    [Fact]
    public void LimitAndReset_AreUnknown_EvenWhenRemainingIsKnown()
    {
        var reading = Parser.Read(Typical);

        Assert.All(reading.Pools, pool =>
        {
            Assert.Null(pool.Limit);
            Assert.Null(pool.ResetInSeconds);
            Assert.NotNull(pool.Remaining);
        });
    }

    [Fact]
    public void RetryAfterMs_IsPreferred_OverTheWholeSecondsOfRetryAfter()
    {
        var response = Typical.WithStatus(429).WithHeaders(("retry-after", "2"), ("retry-after-ms", "1500"));

        Near(1.5, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void RetryAfter_IsRead_WhenRetryAfterMsIsMissingOrGarbage()
    {
        var response = Typical.WithStatus(429).WithHeaders(("retry-after", "2"), ("retry-after-ms", "soon"));

        Near(2, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void Throttled_NamesNoWait_WhenTheExhaustedPoolsResetIsUnknown()
    {
        var response = Dated(429, ("x-ratelimit-remaining-requests", "0"));

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Assert.Null(reading.RetryAfterSeconds);
        Assert.Null(reading.RetryAfterMinSeconds);
    }

    [Fact]
    public void Remaining_IsUnknown_WhenEmpty()
    {
        var response = Dated(200, ("x-ratelimit-remaining-tokens", ""));

        Assert.Null(Parser.Read(response).Pool("tokens").Remaining);
    }
}
