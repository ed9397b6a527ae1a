using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class AnthropicParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new AnthropicParser();

    protected override ProviderResponse Typical => Dated(
        200,
        ("anthropic-ratelimit-requests-limit", "4000"),
        ("anthropic-ratelimit-requests-remaining", "3999"),
        ("anthropic-ratelimit-requests-reset", "2026-12-03T12:00:00.015Z"),
        ("anthropic-ratelimit-tokens-limit", "480000"),
        ("anthropic-ratelimit-tokens-remaining", "478000"),
        ("anthropic-ratelimit-tokens-reset", "2026-12-03T12:00:01Z"));

    [Fact]
    public void Reset_IsMeasuredFromTheServersDate_NotTheLocalClock()
    {
        var response = Undated(
            200,
            ("date", "Mon, 01 Jan 2035 00:00:00 GMT"),
            ("anthropic-ratelimit-tokens-reset", "2035-01-01T00:00:10Z"));

        Near(10, Parser.Read(response).Pool("tokens").ResetInSeconds, "reset");
    }

    [Fact]
    public void Reset_IsUnknown_WithoutADate()
    {
        var response = Undated(200, ("anthropic-ratelimit-tokens-reset", "2026-12-03T12:00:01Z"));

        Assert.Null(Parser.Read(response).Pool("tokens").ResetInSeconds);
    }

    [Theory]
    [InlineData("2026-12-03T13:00:05+01:00", 5)]
    [InlineData("2026-12-03T12:00:05.123456789Z", 5.1234567)]
    [InlineData("2026-12-03t12:00:05z", 5)]
    public void Reset_ReadsOffsetsLongFractionsAndLowerCase(string value, double seconds)
    {
        var response = Dated(200, ("anthropic-ratelimit-requests-reset", value));

        Near(seconds, Parser.Read(response).Pool("requests").ResetInSeconds, value);
    }

    [Fact]
    public void Reset_InThePast_IsAWaitOfZero()
    {
        var response = Dated(200, ("anthropic-ratelimit-requests-reset", "2026-12-03T11:59:00Z"));

        Near(0, Parser.Read(response).Pool("requests").ResetInSeconds, "reset");
    }

    [Theory]
    [InlineData("in 5 seconds")]
    [InlineData("1796299210")]
    [InlineData("2026-13-03T12:00:01Z")]
    public void Reset_IsUnknown_WhenNotAnRfc3339Time(string value)
    {
        var response = Dated(200, ("anthropic-ratelimit-requests-reset", value));

        Assert.Null(Parser.Read(response).Pool("requests").ResetInSeconds);
    }

    [Fact]
    public void Throttled_WaitsForTheLatestOfTheExhaustedPools()
    {
        var response = Dated(
            429,
            ("anthropic-ratelimit-requests-remaining", "0"),
            ("anthropic-ratelimit-requests-reset", "2026-12-03T12:00:01Z"),
            ("anthropic-ratelimit-input-tokens-remaining", "0"),
            ("anthropic-ratelimit-input-tokens-reset", "2026-12-03T12:00:20Z"),
            ("anthropic-ratelimit-output-tokens-remaining", "500"),
            ("anthropic-ratelimit-output-tokens-reset", "2026-12-03T12:00:59Z"));

        Near(20, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void RetryAfter_OverridesTheResetOfTheExhaustedPool()
    {
        var response = Dated(
            429,
            ("retry-after", "4"),
            ("anthropic-ratelimit-requests-remaining", "0"),
            ("anthropic-ratelimit-requests-reset", "2026-12-03T12:00:30Z"));

        Near(4, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void OnlyThePoolsWithHeaders_AreReported()
    {
        var response = Dated(200, ("anthropic-ratelimit-output-tokens-remaining", "79000"));

        Assert.Equal("output-tokens", Assert.Single(Parser.Read(response).Pools).Pool);
    }

    [Fact]
    public void PriorityTierHeaders_AreTheirOwnPools()
    {
        var response = Dated(
            200,
            ("anthropic-priority-input-tokens-limit", "100000"),
            ("anthropic-priority-input-tokens-remaining", "99000"),
            ("anthropic-priority-input-tokens-reset", "2026-12-03T12:01:00Z"),
            ("anthropic-priority-output-tokens-limit", "20000"),
            ("anthropic-priority-output-tokens-remaining", "19500"),
            ("anthropic-priority-output-tokens-reset", "2026-12-03T12:00:30Z"));

        var reading = ProviderReader.Read(ProviderReader.Auto, response);

        Assert.Equal("anthropic", reading.Family);
        Assert.Equal(
            new PoolReading("priority-input-tokens", 100000, 99000, null, 60, null),
            reading.Pool("priority-input-tokens"));
        Assert.Equal(
            new PoolReading("priority-output-tokens", 20000, 19500, null, 30, null),
            reading.Pool("priority-output-tokens"));
    }
}
