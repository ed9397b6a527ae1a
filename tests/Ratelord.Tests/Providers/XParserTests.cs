using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class XParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new XParser();

    protected override ProviderResponse Typical => Dated(
        200,
        ("x-rate-limit-limit", "900"),
        ("x-rate-limit-remaining", "899"),
        ("x-rate-limit-reset", "1796300100"));

    [Fact]
    public void TwentyFourHourLimits_AreTheirOwnPools_WithADayForWindow()
    {
        var response = Typical.WithHeaders(
            ("x-app-limit-24hour-limit", "10000"),
            ("x-app-limit-24hour-remaining", "9000"),
            ("x-app-limit-24hour-reset", "1796385600"),
            ("x-user-limit-24hour-limit", "17"),
            ("x-user-limit-24hour-remaining", "0"),
            ("x-user-limit-24hour-reset", "1796302800"));

        var reading = Parser.Read(response);

        Assert.Equal(new PoolReading("app-24hour", 10000, 9000, null, 86400, 86400), reading.Pool("app-24hour"));
        Assert.Equal(new PoolReading("user-24hour", 17, 0, null, 3600, 86400), reading.Pool("user-24hour"));
        Assert.Null(reading.Pool("default").WindowSeconds);
    }

    [Fact]
    public void Throttled_WaitsForTheExhaustedPool()
    {
        var response = Dated(429, ("x-rate-limit-remaining", "0"), ("x-rate-limit-reset", "1796300100"));

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Near(900, reading.RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void Reset_InThePast_IsAWaitOfZero()
    {
        var response = Dated(200, ("x-rate-limit-reset", "1796290000"));

        Near(0, Parser.Read(response).Pool("default").ResetInSeconds, "reset");
    }

    [Fact]
    public void EpochReset_IsUnknown_WithoutADate()
    {
        var response = Undated(200, ("x-rate-limit-remaining", "10"), ("x-rate-limit-reset", "1796300100"));

        Assert.Null(Parser.Read(response).Pool("default").ResetInSeconds);
    }

    [Theory]
    [InlineData("900.5.1")]
    [InlineData("")]
    [InlineData("-900")]
    public void Limit_IsUnknown_WhenNotANonNegativeNumber(string value)
    {
        var response = Dated(200, ("x-rate-limit-limit", value));

        Assert.Null(Parser.Read(response).Pool("default").Limit);
    }
}
