using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class EnvoyParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new EnvoyParser();

    protected override ProviderResponse Typical => Dated(
        200,
        ("x-ratelimit-limit", "10, 10;w=1"),
        ("x-ratelimit-remaining", "9"),
        ("x-ratelimit-reset", "1"));

    [Fact]
    public void PlainLimit_HasNoWindow()
    {
        var response = Dated(200, ("x-ratelimit-limit", "10"));

        var pool = Parser.Read(response).Pool("default");

        Near(10, pool.Limit, "limit");
        Assert.Null(pool.WindowSeconds);
    }

    [Theory]
    [InlineData("10, 10;w=1, 1000;w=3600", 10, 1)]
    [InlineData("1000, 10;w=1, 1000;w=3600", 1000, 3600)]
    [InlineData("10;w=1, 1000;w=3600", 10, 1)]
    public void Window_IsThatOfThePolicyWhoseQuotaIsTheLimit(string value, double limit, double window)
    {
        var response = Dated(200, ("x-ratelimit-limit", value));

        var pool = Parser.Read(response).Pool("default");

        Near(limit, pool.Limit, "limit");
        Near(window, pool.WindowSeconds, "window");
    }

    [Fact]
    public void GarbageLimit_LeavesTheLimitAndItsWindowUnknown()
    {
        var response = Dated(200, ("x-ratelimit-limit", "ten, 10;w=1"));

        var pool = Parser.Read(response).Pool("default");

        Assert.Null(pool.Limit);
        Assert.Null(pool.WindowSeconds);
    }

    [Fact]
    public void RepeatedLimitLines_KeepTheLowestLimit()
    {
        var response = Dated(200, ("x-ratelimit-limit", "10, 10;w=1"), ("x-ratelimit-limit", "5, 5;w=1"));

        var pool = Parser.Read(response).Pool("default");

        Near(5, pool.Limit, "limit");
        Near(1, pool.WindowSeconds, "window");
    }

    [Theory]
    [InlineData("30", 30)]
    [InlineData("1796299230", 30)]
    [InlineData("1796299230000", 30)]
    [InlineData("1796299100", 0)]
    public void Reset_IsADelayOrAnEpochInSecondsOrMilliseconds_ByItsSize(string value, double seconds)
    {
        var response = Dated(200, ("x-ratelimit-reset", value));

        Near(seconds, Parser.Read(response).Pool("default").ResetInSeconds, value);
    }

    [Fact]
    public void Reset_IsReadAsEpochMilliseconds_WhenLargerThanSeconds()
    {
        var response = Dated(200, ("x-ratelimit-reset", "1796299201250"));

        Near(1.25, Parser.Read(response).Pool("default").ResetInSeconds, "reset");
    }

    [Fact]
    public void RatelimitedMarker_Alone_IsRecognised_AndReportsNoPool()
    {
        var response = Dated(429, ("x-envoy-ratelimited", "true"));

        var reading = ProviderReader.Read(ProviderReader.Auto, response);

        Assert.Equal("envoy", reading.Family);
        Assert.True(reading.Limited);
        Assert.Empty(reading.Pools);
    }
}
