using Ratelord.Core.Providers;

namespace Ratelord.Tests.Providers;

/// <summary>
/// What every parser promises, run against each one: it recognises its own responses, says nothing
/// about a response without rate-limit headers, never throws on a broken server's values, and never
/// turns one into a number.
/// </summary>
public abstract class RateLimitParserContractTests
{
    /// <summary>The parser under test.</summary>
    protected abstract IRateLimitParser Parser { get; }

    /// <summary>An ordinary response of the parser's family, dated like the fixture.</summary>
    protected abstract ProviderResponse Typical { get; }

    /// <summary>
    /// The response as a broken server would send it, every value replaced by <paramref name="garbage"/>.
    /// A family that speaks through its body replaces the body's values too.
    /// </summary>
    protected virtual ProviderResponse Garbled(ProviderResponse response, string garbage) =>
        response.WithEveryValue(garbage);

    [Fact]
    public void Family_IsKnownToTheReader()
    {
        Assert.True(ProviderReader.IsKnownFamily(Parser.Family));
        Assert.Contains(Parser.Family, ProviderReader.Families);
    }

    [Fact]
    public void CanRead_RecognisesItsOwnResponse()
    {
        Assert.True(Parser.CanRead(Typical));
    }

    [Fact]
    public void Auto_ReadsItsOwnResponse_WithThisFamily()
    {
        var reading = ProviderReader.Read(ProviderReader.Auto, Typical);

        Assert.Equal(Parser.Family, reading.Family);
    }

    [Fact]
    public void Read_ReportsItsFamilyAndTheServerDate()
    {
        var reading = Parser.Read(Typical);

        Assert.Equal(Parser.Family, reading.Family);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(TestResponses.DateEpochSeconds), reading.ResponseDate);
    }

    [Fact]
    public void Read_SaysNothing_WithoutRateLimitHeaders()
    {
        var response = TestResponses.Dated(200, ("content-type", "application/json")).WithBody("""{"ok":true}""");

        var reading = Parser.Read(response);

        Assert.False(Parser.CanRead(response));
        Assert.Empty(reading.Pools);
        Assert.False(reading.Limited);
        Assert.Null(reading.RetryAfterSeconds);
        Assert.Null(reading.RetryAfterMinSeconds);
    }

    [Fact]
    public void Read_TakesTheWaitFromRetryAfter_WhenThrottled()
    {
        var response = Typical.WithStatus(429).WithHeaders(("Retry-After", "7"));

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        TestResponses.Near(7, reading.RetryAfterSeconds, "retry after");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("-0.5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e999")]
    [InlineData("12abc")]
    [InlineData("0x10")]
    [InlineData("\"")]
    [InlineData(";;,,==")]
    public void Read_LeavesEveryNumberUnknown_WhenEveryValueIsGarbage(string garbage)
    {
        var response = Garbled(Typical.WithStatus(429), garbage);

        var reading = Parser.Read(response);

        Assert.Null(reading.ResponseDate);
        Assert.Null(reading.RetryAfterSeconds);
        Assert.All(reading.Pools, pool =>
        {
            Assert.Null(pool.Limit);
            Assert.Null(pool.Remaining);
            Assert.Null(pool.Used);
            Assert.Null(pool.ResetInSeconds);
            Assert.Null(pool.WindowSeconds);
        });
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("""{"resources":[1,2],"errors":{"type":"RATE_LIMITED"},"extensions":{"cost":7}}""")]
    [InlineData("""{"resources":{"core":{"limit":"many","remaining":-5,"reset":1e300}},"retry_after":"x"}""")]
    public void Read_NeverThrows_OnBodiesOfTheWrongShape(string json)
    {
        var response = Typical.WithBody(json);

        var reading = Parser.Read(response);

        Assert.All(reading.Pools, pool => Assert.True(pool.Remaining is null or >= 0));
    }

    [Fact]
    public void Read_ReportsTheSamePools_WhateverTheLetterCaseOfTheHeaderNames()
    {
        var upper = Typical with
        {
            Headers = [.. Typical.Headers.Select(h => KeyValuePair.Create(h.Key.ToUpperInvariant(), h.Value))],
        };

        Assert.Equal(Parser.Read(Typical).Pools, Parser.Read(upper).Pools);
    }
}
