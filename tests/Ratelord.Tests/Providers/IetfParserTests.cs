using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class IetfParserTests : RateLimitParserContractTests
{
    protected override IRateLimitParser Parser { get; } = new IetfParser();

    protected override ProviderResponse Typical => Dated(
        200,
        ("RateLimit-Policy", "\"hour\";q=1000;w=3600, \"day\";q=5000;w=86400"),
        ("RateLimit", "\"day\";r=100;t=36000"));

    [Fact]
    public void Trio_IsTheDefaultPool_WithItsResetAsADelay()
    {
        var response = Dated(200, ("RateLimit-Limit", "100"), ("RateLimit-Remaining", "60"), ("RateLimit-Reset", "30"));

        var pool = Assert.Single(Parser.Read(response).Pools);

        Assert.Equal(new PoolReading("default", 100, 60, null, 30, null), pool);
    }

    [Fact]
    public void TrioLimit_MayCarryAPolicyList_AsInDraft03()
    {
        var response = Dated(200, ("RateLimit-Limit", "100, 100;w=60"), ("RateLimit-Remaining", "60"));

        var pool = Parser.Read(response).Pool("default");

        Near(100, pool.Limit, "limit");
        Near(60, pool.WindowSeconds, "window");
    }

    [Fact]
    public void PolicyAndRateLimit_SpreadOverSeveralLines_FormOneList()
    {
        var response = Dated(
            200,
            ("RateLimit-Policy", "\"hour\";q=1000;w=3600"),
            ("RateLimit-Policy", "\"day\";q=5000;w=86400"),
            ("RateLimit", "\"hour\";r=10;t=60"),
            ("RateLimit", "\"day\";r=100;t=36000"));

        var reading = Parser.Read(response);

        Assert.Equal(new PoolReading("hour", 1000, 10, null, 60, 3600), reading.Pool("hour"));
        Assert.Equal(new PoolReading("day", 5000, 100, null, 36000, 86400), reading.Pool("day"));
    }

    [Fact]
    public void RepeatedPolicyName_IsReadConservatively()
    {
        var response = Dated(
            200,
            ("RateLimit-Policy", "\"day\";q=5000;w=86400, \"day\";q=4000;w=86400"),
            ("RateLimit", "\"day\";r=100;t=10, \"day\";r=50;t=20"));

        var pool = Parser.Read(response).Pool("day");

        Near(4000, pool.Limit, "limit");
        Near(50, pool.Remaining, "remaining");
        Near(20, pool.ResetInSeconds, "reset");
    }

    [Fact]
    public void PolicyNames_MayBeTokens_OrQuotedStringsHoldingSeparators()
    {
        var response = Dated(200, ("RateLimit-Policy", "burst;q=10;w=1, \"per user, per day; strict\";q=500;w=86400"));

        var reading = Parser.Read(response);

        Assert.Equal(["burst", "per user, per day; strict"], reading.Pools.Select(p => p.Pool));
        Near(500, reading.Pool("per user, per day; strict").Limit, "limit");
    }

    [Fact]
    public void RateLimit_WithoutAPolicy_HasAnUnknownLimit()
    {
        var response = Dated(200, ("RateLimit", "\"default\";r=5;t=2"));

        Assert.Equal(new PoolReading("default", null, 5, null, 2, null), Assert.Single(Parser.Read(response).Pools));
    }

    [Fact]
    public void UnnamedMembers_AreTheDefaultPool_AsInDraft07()
    {
        var response = Dated(
            200,
            ("RateLimit-Policy", "100;w=10"),
            ("RateLimit", "limit=100, remaining=50, reset=5"));

        var pool = Assert.Single(Parser.Read(response).Pools);

        Assert.Equal(new PoolReading("default", 100, 50, null, 5, 10), pool);
    }

    [Fact]
    public void GarbageParameter_MakesThatValueUnknown_AndNoOther()
    {
        var response = Dated(200, ("RateLimit-Policy", "\"day\";q=5000;w=86400"), ("RateLimit", "\"day\";r=abc;t=60"));

        var pool = Parser.Read(response).Pool("day");

        Assert.Null(pool.Remaining);
        Near(60, pool.ResetInSeconds, "reset");
        Near(5000, pool.Limit, "limit");
    }

    [Fact]
    public void QuotaUnitsAndPartitionKeys_AreIgnored()
    {
        var response = Dated(
            200,
            ("RateLimit-Policy", "\"day\";q=100;w=86400;qu=\"requests\";pk=:cHsdsRa894==:"),
            ("RateLimit", "\"day\";r=7;pk=:cHsdsRa894==:"));

        Assert.Equal(new PoolReading("day", 100, 7, null, null, 86400), Parser.Read(response).Pool("day"));
    }

    [Fact]
    public void Throttled_WaitsForTheExhaustedPolicysReset()
    {
        var response = Dated(
            429,
            ("RateLimit-Policy", "\"minute\";q=60;w=60, \"day\";q=5000;w=86400"),
            ("RateLimit", "\"minute\";r=0;t=12, \"day\";r=4000;t=3600"));

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Near(12, reading.RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void NegativeParameters_AreUnknown()
    {
        var response = Dated(200, ("RateLimit", "\"day\";r=-1;t=-5"));

        var pool = Parser.Read(response).Pool("day");

        Assert.Null(pool.Remaining);
        Assert.Null(pool.ResetInSeconds);
    }

    [Fact]
    public void VendorParameters_AreIgnored_EvenWithSeparatorsInTheirStrings()
    {
        var response = Dated(
            200,
            ("RateLimit-Policy", "\"burst\";q=100;w=60;acme-note=\"per key, per region\";x-tier=gold"),
            ("RateLimit", "\"burst\";r=40;t=20;acme-shard=7"));

        Assert.Equal(new PoolReading("burst", 100, 40, null, 20, 60), Parser.Read(response).Pool("burst"));
    }
}
