using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class ShopifyParserTests : RateLimitParserContractTests
{
    private const string GraphQlCost = """
        {
          "data": {},
          "extensions": {
            "cost": {
              "requestedQueryCost": 502,
              "actualQueryCost": null,
              "throttleStatus": { "maximumAvailable": 1000.0, "currentlyAvailable": 2, "restoreRate": 50.0 }
            }
          }
        }
        """;

    protected override IRateLimitParser Parser { get; } = new ShopifyParser();

    protected override ProviderResponse Typical => Dated(200, ("X-Shopify-Shop-Api-Call-Limit", "32/40"));

    [Fact]
    public void UsedOverCapacity_KeepsRemainingAtZero()
    {
        var response = Dated(200, ("X-Shopify-Shop-Api-Call-Limit", "45/40"));

        Assert.Equal(new PoolReading("rest", 40, 0, 45, null, null), Parser.Read(response).Pool("rest"));
    }

    [Theory]
    [InlineData("32")]
    [InlineData("a/b")]
    [InlineData("32/40/1")]
    [InlineData("-1/40")]
    [InlineData("/")]
    public void MalformedCallLimit_LeavesRemainingUnknown(string value)
    {
        var response = Dated(200, ("X-Shopify-Shop-Api-Call-Limit", value));

        Assert.Null(Parser.Read(response).Pool("rest").Remaining);
    }

    [Fact]
    public void RepeatedCallLimitLines_AreReadConservatively()
    {
        var response = Typical.WithHeaders(("X-Shopify-Shop-Api-Call-Limit", "36/40"));

        Assert.Equal(new PoolReading("rest", 40, 4, 36, null, null), Parser.Read(response).Pool("rest"));
    }

    [Fact]
    public void RetryAfter_WithAFraction_IsTheWait()
    {
        var response = Dated(429, ("X-Shopify-Shop-Api-Call-Limit", "40/40"), ("Retry-After", "2.0"));

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Near(2, reading.RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void GraphQlCost_IsTheGraphQlPool_FullAgainAtItsRestoreRate()
    {
        var response = Dated(200).WithBody(GraphQlCost);

        var reading = ProviderReader.Read(ProviderReader.Auto, response);

        Assert.Equal("shopify", reading.Family);
        Assert.False(reading.Limited);
        Assert.Equal(new PoolReading("graphql", 1000, 2, null, 19.96, null), reading.Pool("graphql"));
    }

    [Fact]
    public void GraphQlThrottled_WaitsUntilTheRequestedCostIsRestored()
    {
        var throttled = GraphQlCost.Replace(
            "\"data\": {}",
            "\"errors\": [{ \"message\": \"Throttled\", \"extensions\": { \"code\": \"THROTTLED\" } }]",
            StringComparison.Ordinal);
        var response = Dated(200).WithBody(throttled);

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Near(10, reading.RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void GraphQlRestoreRateOfZero_LeavesTheTimesUnknown()
    {
        var response = Dated(200).WithBody(GraphQlCost.Replace("50.0", "0", StringComparison.Ordinal));

        Assert.Null(Parser.Read(response).Pool("graphql").ResetInSeconds);
    }
}
