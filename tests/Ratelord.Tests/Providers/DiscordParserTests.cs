using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class DiscordParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new DiscordParser();

    protected override ProviderResponse Typical => Dated(
        200,
        ("x-ratelimit-limit", "5"),
        ("x-ratelimit-remaining", "4"),
        ("x-ratelimit-reset", "1796299201.250"),
        ("x-ratelimit-reset-after", "1.250"),
        ("x-ratelimit-bucket", "abcd1234"));

    [Fact]
    public void ResetAfter_IsPreferred_OverAnEpochResetThatDisagrees()
    {
        var response = Dated(200, ("x-ratelimit-reset", "1796299260"), ("x-ratelimit-reset-after", "2.5"));

        Near(2.5, Parser.Read(response).Pool("default").ResetInSeconds, "reset");
    }

    [Fact]
    public void EpochReset_WithAFraction_IsRead_WhenResetAfterIsMissing()
    {
        var response = Dated(200, ("x-ratelimit-bucket", "b1"), ("x-ratelimit-reset", "1796299201.250"));

        Near(1.25, Parser.Read(response).Pool("b1").ResetInSeconds, "reset");
    }

    [Fact]
    public void ResetAfter_NeedsNoDate()
    {
        var response = Undated(200, ("x-ratelimit-bucket", "b1"), ("x-ratelimit-reset-after", "0.75"));

        Near(0.75, Parser.Read(response).Pool("b1").ResetInSeconds, "reset");
    }

    [Fact]
    public void ResetAfter_ThatIsGarbage_IsUnknown_RatherThanReplacedByTheEpoch()
    {
        var response = Dated(200, ("x-ratelimit-reset", "1796299260"), ("x-ratelimit-reset-after", "-1.0"));

        Assert.Null(Parser.Read(response).Pool("default").ResetInSeconds);
    }

    [Fact]
    public void BodyRetryAfter_IsTheWait_WhenThereIsNoHeader()
    {
        var response = Dated(429, ("x-ratelimit-bucket", "b1"), ("x-ratelimit-remaining", "0"))
            .WithBody("""{"message":"You are being rate limited.","retry_after":64.57,"global":false}""");

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Near(64.57, reading.RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void TheLongerOfHeaderAndBodyRetryAfter_Holds()
    {
        var response = Dated(429, ("x-ratelimit-global", "true"), ("retry-after", "65"))
            .WithBody("""{"message":"You are being rate limited.","retry_after":64.57,"global":true}""");

        var reading = ProviderReader.Read(ProviderReader.Auto, response);

        Assert.Equal("discord", reading.Family);
        Near(65, reading.RetryAfterSeconds, "retry after");
        Assert.Empty(reading.Pools);
    }

    [Fact]
    public void Pool_IsDefault_WhenTheBucketIsMissing()
    {
        var response = Dated(200, ("x-ratelimit-remaining", "4"), ("x-ratelimit-reset-after", "1"));

        Assert.Equal("default", Assert.Single(Parser.Read(response).Pools).Pool);
    }
}
