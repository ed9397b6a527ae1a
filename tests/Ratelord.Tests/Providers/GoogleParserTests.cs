using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class GoogleParserTests : RateLimitParserContractTests
{
    /// <summary>The error the Gemini API answers when a free-tier quota ran out.</summary>
    private const string GeminiQuotaError = """
        {
          "error": {
            "code": 429,
            "message": "You exceeded your current quota, please check your plan and billing details.",
            "status": "RESOURCE_EXHAUSTED",
            "details": [
              {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                  {
                    "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                    "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                    "quotaDimensions": { "location": "global", "model": "gemini-2.0-flash" },
                    "quotaValue": "15"
                  }
                ]
              },
              { "@type": "type.googleapis.com/google.rpc.Help", "links": [ { "description": "Learn more" } ] },
              { "@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "5s" }
            ]
          }
        }
        """;

    protected override IRateLimitParser Parser { get; } = new GoogleParser();

    protected override ProviderResponse Typical =>
        Dated(429, ("content-type", "application/json; charset=UTF-8")).WithBody(GeminiQuotaError);

    /// <summary>Google speaks through its body, so a broken server's garbage goes there too.</summary>
    protected override ProviderResponse Garbled(ProviderResponse response, string garbage)
    {
        var body = GeminiQuotaError.Replace("\"5s\"", Quoted(garbage), StringComparison.Ordinal)
            .Replace("\"15\"", Quoted(garbage), StringComparison.Ordinal);

        return response.WithEveryValue(garbage).WithBody(body);
    }

    [Fact]
    public void QuotaFailure_IsAnExhaustedPool_FullAgainAfterTheRetryDelay()
    {
        var reading = Parser.Read(Typical);

        Assert.True(reading.Limited);
        Near(5, reading.RetryAfterSeconds, "retry after");
        var pool = reading.Pool("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        Assert.Equal(new PoolReading(pool.Pool, 15, 0, null, 5, 60), pool);
    }

    [Theory]
    [InlineData("\"34s\"", 34)]
    [InlineData("\"1.5s\"", 1.5)]
    [InlineData("\"0.000340s\"", 0.00034)]
    [InlineData("{\"seconds\": 12, \"nanos\": 500000000}", 12.5)]
    [InlineData("{\"seconds\": \"7\"}", 7)]
    public void RetryDelay_IsAProtobufDuration(string json, double seconds)
    {
        var body = $$$"""
            {"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[
              {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":{{{json}}}}]}}
            """;

        Near(seconds, Parser.Read(Dated(429).WithBody(body)).RetryAfterSeconds, json);
    }

    [Theory]
    [InlineData("\"34\"")]
    [InlineData("\"-3s\"")]
    [InlineData("\"soon\"")]
    [InlineData("\"1e999s\"")]
    [InlineData("{\"seconds\": -1}")]
    [InlineData("{\"nanos\": 5}")]
    public void RetryDelay_IsUnknown_WhenUnreadable(string json)
    {
        var body = $$$"""
            {"error":{"status":"RESOURCE_EXHAUSTED","details":[
              {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":{{{json}}}}]}}
            """;

        Assert.Null(Parser.Read(Dated(429).WithBody(body)).RetryAfterSeconds);
    }

    [Fact]
    public void StreamingErrors_ComeAsAnArray_HoldingTheStatus()
    {
        var response = Dated(429).WithBody($"[{GeminiQuotaError}]");

        Assert.True(ProviderReader.Read(ProviderReader.Auto, response) is { Family: "google", Limited: true });
    }

    [Fact]
    public void ErrorInfoMetadata_NamesTheQuota_OfCloudApis()
    {
        var response = Dated(429).WithBody("""
            {"error":{"code":429,"message":"Quota exceeded for quota metric 'Read requests'",
              "status":"RESOURCE_EXHAUSTED",
              "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED",
                "domain":"googleapis.com","metadata":{"quota_limit":"ReadRequestsPerMinutePerUser",
                "quota_limit_value":"60","quota_metric":"sheets.googleapis.com/read_requests"}}]}}
            """);

        var pool = Parser.Read(response).Pool("ReadRequestsPerMinutePerUser");

        Near(60, pool.Limit, "limit");
        Near(0, pool.Remaining, "remaining");
        Assert.Null(pool.ResetInSeconds);
    }

    [Fact]
    public void RetryAfterHeader_AndRetryInfo_TheLongerHolds()
    {
        var response = Typical.WithHeaders(("Retry-After", "3"));

        Near(5, Parser.Read(response).RetryAfterSeconds, "retry after");
    }

    [Fact]
    public void QuotaWithoutALimit_InventsNoPool()
    {
        var response = Dated(429).WithBody("""
            {"error":{"status":"RESOURCE_EXHAUSTED","details":[
              {"@type":"type.googleapis.com/google.rpc.QuotaFailure",
               "violations":[{"subject":"project:1","description":"x"}]}]}}
            """);

        var reading = Parser.Read(response);

        Assert.True(reading.Limited);
        Assert.Empty(reading.Pools);
    }

    [Fact]
    public void OtherGoogleErrors_AreNotThrottles()
    {
        var response = Dated(403).WithBody("""
            {"error":{"code":403,"message":"Permission denied","status":"PERMISSION_DENIED","details":[
              {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}
            """);

        Assert.False(Parser.CanRead(response));
        Assert.False(Parser.Read(response).Limited);
    }

    private static string Quoted(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
