using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class GitLabParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new GitLabParser();

    /// <summary>What GitLab.com sends on an API call that was let through.</summary>
    protected override ProviderResponse Typical => Dated(
        200,
        ("RateLimit-Limit", "2000"),
        ("RateLimit-Observed", "12"),
        ("RateLimit-Remaining", "1988"),
        ("RateLimit-Reset", "1796299260"),
        ("RateLimit-ResetTime", "Thu, 03 Dec 2026 12:01:00 GMT"));

    [Fact]
    public void Reset_IsAnEpoch_NotTheDraftsDelay()
    {
        var reading = Parser.Read(Typical);

        Assert.Equal(new PoolReading("default", 2000, 1988, 12, 60, null), Assert.Single(reading.Pools));
    }

    [Fact]
    public void Throttled_IsNamedByItsThrottle_AndWaitsForRetryAfter()
    {
        var response = Dated(
            429,
            ("RateLimit-Limit", "60"),
            ("RateLimit-Name", "throttle_authenticated_web"),
            ("RateLimit-Observed", "67"),
            ("RateLimit-Remaining", "0"),
            ("RateLimit-Reset", "1796299230"),
            ("RateLimit-ResetTime", "Thu, 03 Dec 2026 12:00:30 GMT"),
            ("Retry-After", "30"));

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Near(30, reading.RetryAfterSeconds, "retry after");
        var pool = reading.Pool("throttle_authenticated_web");
        Near(0, pool.Remaining, "remaining");
        Near(67, pool.Used, "used");
        Near(30, pool.ResetInSeconds, "reset");
    }

    [Fact]
    public void ResetTime_Alone_IsReadAgainstTheDate()
    {
        var response = Dated(
            200,
            ("RateLimit-Remaining", "5"),
            ("RateLimit-ResetTime", "Thu, 03 Dec 2026 12:00:45 GMT"));

        Near(45, Parser.Read(response).Pool("default").ResetInSeconds, "reset");
    }

    [Fact]
    public void Resets_ThatDisagree_AreReadAsTheLater()
    {
        var response = Dated(
            200,
            ("RateLimit-Remaining", "5"),
            ("RateLimit-Reset", "1796299210"),
            ("RateLimit-ResetTime", "Thu, 03 Dec 2026 12:00:40 GMT"));

        Near(40, Parser.Read(response).Pool("default").ResetInSeconds, "reset");
    }

    [Fact]
    public void Reset_IsUnknown_WhenOneOfTheTwoIsGarbage()
    {
        var response = Dated(
            200,
            ("RateLimit-Reset", "soon"),
            ("RateLimit-ResetTime", "Thu, 03 Dec 2026 12:00:40 GMT"));

        Assert.Null(Parser.Read(response).Pool("default").ResetInSeconds);
    }

    [Fact]
    public void Remaining_FollowsFromLimitAndObserved_WhenNotSent()
    {
        var response = Dated(200, ("RateLimit-Limit", "60"), ("RateLimit-Observed", "75"), ("RateLimit-Name", "x"));

        Near(0, Parser.Read(response).Pool("x").Remaining, "remaining never below zero");
    }

    [Fact]
    public void ReadAsIetf_TheSameResponse_StillTellsTheEpochByItsSize()
    {
        var reading = ProviderReader.Read("ietf", Typical);

        Near(60, reading.Pool("default").ResetInSeconds, "reset");
    }
}
