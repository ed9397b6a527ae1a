using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class OpenAiParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new OpenAiParser();

    protected override ProviderResponse Typical => Dated(
        200,
        ("x-ratelimit-limit-requests", "5000"),
        ("x-ratelimit-remaining-requests", "4999"),
        ("x-ratelimit-reset-requests", "12ms"),
        ("x-ratelimit-limit-tokens", "160000"),
        ("x-ratelimit-remaining-tokens", "150000"),
        ("x-ratelimit-reset-tokens", "1h2m3.5s"));

    [Theory]
    [InlineData("12ms", 0.012)]
    [InlineData("1h2m3.5s", 3723.5)]
    [InlineData("6m0s", 360)]
    [InlineData("1m30s", 90)]
    [InlineData("0s", 0)]
    [InlineData("0", 0)]
    [InlineData("1.5s", 1.5)]
    [InlineData("250us", 0.00025)]
    [InlineData("250\u00b5s", 0.00025)]
    [InlineData("3h", 10800)]
    [InlineData(" 17ms ", 0.017)]
    public void Reset_IsReadAsAGoDuration(string value, double seconds)
    {
        var response = Dated(200, ("x-ratelimit-reset-tokens", value));

        Near(seconds, Parser.Read(response).Pool("tokens").ResetInSeconds, value);
    }

    [Theory]
    [InlineData("-1s")]
    [InlineData("1x")]
    [InlineData("s")]
    [InlineData("1h-2m")]
    [InlineData("1.2.3s")]
    [InlineData("in a minute")]
    public void Reset_IsUnknown_ForMalformedDurations(string value)
    {
        var response = Dated(200, ("x-ratelimit-reset-tokens", value));

        Assert.Null(Parser.Read(response).Pool("tokens").ResetInSeconds);
    }

    [Fact]
    public void Reset_ReadsABareNumberAsSeconds_AsCompatibleServersSendIt()
    {
        var response = Dated(200, ("x-ratelimit-reset-requests", "2"));

        Near(2, Parser.Read(response).Pool("requests").ResetInSeconds, "reset");
    }

    [Fact]
    public void Reset_IsTheLatest_WhenTheHeaderRepeats()
    {
        var response = Dated(200, ("x-ratelimit-reset-tokens", "1s"), ("x-ratelimit-reset-tokens", "1m0s"));

        Near(60, Parser.Read(response).Pool("tokens").ResetInSeconds, "reset");
    }

    [Fact]
    public void TokensPoolBlocked_WaitsForTheTokensResetAlone()
    {
        var response = Dated(
            429,
            ("x-ratelimit-remaining-requests", "59"),
            ("x-ratelimit-reset-requests", "1s"),
            ("x-ratelimit-remaining-tokens", "0"),
            ("x-ratelimit-reset-tokens", "20s"));

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Near(20, reading.RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void BothPoolsBlocked_WaitForTheLaterReset()
    {
        var response = Dated(
            429,
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "45s"),
            ("x-ratelimit-remaining-tokens", "0"),
            ("x-ratelimit-reset-tokens", "20s"));

        Near(45, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void Throttled_WaitsOnlyAtLeastTheKnownReset_WhenAnotherExhaustedPoolsResetIsUnreadable()
    {
        var response = Dated(
            429,
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "garbage"),
            ("x-ratelimit-remaining-tokens", "0"),
            ("x-ratelimit-reset-tokens", "5s"));

        var reading = Parser.Read(response);

        Assert.Null(reading.RetryAfterSeconds);
        Near(5, reading.RetryAfterMinSeconds, "minimum wait");
    }

    [Fact]
    public void Throttled_NamesNoWait_WhenNoPoolIsExhaustedAndThereIsNoRetryAfter()
    {
        var reading = Parser.Read(Typical.WithStatus(429));

        Assert.True(reading.Limited);
        Assert.Null(reading.RetryAfterSeconds);
        Assert.Null(reading.RetryAfterMinSeconds);
    }

    [Fact]
    public void OnlyThePoolsWithHeaders_AreReported()
    {
        var response = Dated(200, ("x-ratelimit-limit-tokens", "1000"));

        var reading = Parser.Read(response);

        var pool = Assert.Single(reading.Pools);
        Assert.Equal("tokens", pool.Pool);
        Assert.Null(pool.Remaining);
        Assert.Null(pool.ResetInSeconds);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData("unlimited")]
    [InlineData("null")]
    public void ValuesThatMeanNotReported_AreUnknown_NeverZeroOrFull(string value)
    {
        var response = Dated(
            200,
            ("x-ratelimit-limit-tokens", value),
            ("x-ratelimit-remaining-tokens", value),
            ("x-ratelimit-reset-tokens", value),
            ("x-ratelimit-limit-requests", "500"),
            ("x-ratelimit-remaining-requests", "499"));

        var reading = Parser.Read(response);

        Assert.Equal(new PoolReading("tokens", null, null, null, null, null), reading.Pool("tokens"));
        Near(499, reading.Pool("requests").Remaining, "the other pool still reads");
    }
}
