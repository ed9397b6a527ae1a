using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class GenericParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new GenericParser();

    protected override ProviderResponse Typical => Dated(429, ("Retry-After", "5"));

    [Fact]
    public void RetryAfterDate_IsMeasuredFromTheResponseDate()
    {
        var response = Dated(429, ("Retry-After", "Thu, 03 Dec 2026 12:01:00 GMT"));

        Near(60, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Theory]
    [InlineData("Thursday, 03-Dec-26 12:00:30 GMT")]
    [InlineData("Thu Dec  3 12:00:30 2026")]
    public void RetryAfterDate_MayUseTheObsoleteForms(string value)
    {
        var response = Dated(429, ("Retry-After", value));

        Near(30, Parser.Read(response).RetryAfterSeconds, value);
    }

    [Fact]
    public void RetryAfterDate_IsUnknown_WithoutADate()
    {
        var response = Undated(429, ("Retry-After", "Thu, 03 Dec 2026 12:01:00 GMT"));

        Assert.Null(Parser.Read(response).RetryAfterSeconds);
    }

    [Fact]
    public void RetryAfterDate_InThePast_IsAWaitOfZero()
    {
        var response = Dated(429, ("Retry-After", "Thu, 03 Dec 2026 11:59:00 GMT"));

        Near(0, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void RetryAfterSeconds_NeedNoDate()
    {
        var response = Undated(429, ("Retry-After", "2.5"));

        Near(2.5, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("Thu, 32 Dec 2026 12:00:00 GMT")]
    public void RetryAfter_IsUnknown_WhenNegativeOrUnreadable(string value)
    {
        var reading = Parser.Read(Dated(429, ("Retry-After", value)));

        Assert.True(reading.Limited);
        Assert.Null(reading.RetryAfterSeconds);
    }

    [Fact]
    public void RetryAfter_TheLongestHolds_WhenTheHeaderRepeats()
    {
        var response = Dated(429, ("Retry-After", "5"), ("Retry-After", "Thu, 03 Dec 2026 12:00:08 GMT"));

        Near(8, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void ServiceUnavailable_IsNotAThrottle_ButKeepsItsRetryAfter()
    {
        var reading = Parser.Read(Dated(503, ("Retry-After", "120")));

        Assert.False(reading.Limited);
        Near(120, reading.RetryAfterSeconds, "retry after");
    }
}
