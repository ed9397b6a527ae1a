using System.Globalization;
using System.Text.Json;
using CsCheck;
using Ratelord.Core.Providers;

namespace Ratelord.Tests.Providers;

/// <summary>
/// Properties of every reader over random header sets and bodies built from the names and value
/// shapes that real providers use, mixed with garbage: see <see cref="ReadingInvariants"/>.
/// </summary>
public sealed class ProviderPropertyTests
{
    private const long Iterations = 2_000;

    /// <summary>Every header name some parser reads, and a few that none does.</summary>
    private static readonly string[] Names =
    [
        "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used", "x-ratelimit-reset", "x-ratelimit-resource",
        "x-ratelimit-reset-after", "x-ratelimit-bucket", "x-ratelimit-global", "x-envoy-ratelimited",
        "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
        "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", "retry-after-ms",
        "anthropic-ratelimit-requests-limit", "anthropic-ratelimit-requests-remaining",
        "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-output-tokens-remaining",
        "anthropic-priority-input-tokens-reset", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
        "RateLimit-Policy", "RateLimit", "RateLimit-Observed", "RateLimit-ResetTime", "RateLimit-Name",
        "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset", "x-app-limit-24hour-remaining",
        "X-Shopify-Shop-Api-Call-Limit", "x-github-request-id", "Retry-After", "Date", "content-type", "x-request-id",
    ];

    /// <summary>Values in every shape providers write, and the ways those shapes break.</summary>
    private static readonly string[] Values =
    [
        "0", "1", "5000", "4999.5", "-1", "-0", "NaN", "Infinity", "1e308", "1e999", "", " ", "abc", "0x10",
        "1796301000", "1796301000000", "1796299100", "12ms", "6m0s", "1h2m3.5s", "-3s", "1.5s",
        "2026-12-03T12:00:01Z", "2026-12-03T11:00:00Z", "2026-13-45T99:00:00Z",
        "Thu, 03 Dec 2026 12:00:00 GMT", "Thu, 03 Dec 2026 11:00:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
        "\"day\";q=100;w=86400", "\"day\";r=0;t=30", "default;r=-5;t=1e400", "10, 10;w=1, 1000;w=3600",
        "limit=100, remaining=50, reset=30", "32/40", "40/32", "/", "5/", ";;,,==", "\"", "\u00b5s", "core",
        "\"a\\\"b\";q=1", "1,2,3", "9007199254740993",
    ];

    /// <summary>Bodies in the shapes providers send; each <c>#</c> becomes a random value.</summary>
    private static readonly string[] Bodies =
    [
        """{"resources":{"core":{"limit":#,"remaining":#,"used":#,"reset":#}},"rate":{"limit":#}}""",
        """{"data":{"rateLimit":{"limit":#,"remaining":#,"used":#,"resetAt":"2026-12-03T13:00:00Z"}}}""",
        """{"errors":[{"type":"RATE_LIMITED"}]}""",
        """{"retry_after":#,"global":false}""",
        """
        {"extensions":{"cost":{"requestedQueryCost":#,"throttleStatus":
          {"maximumAvailable":#,"currentlyAvailable":#,"restoreRate":#}}},
         "errors":[{"extensions":{"code":"THROTTLED"}}]}
        """,
        """
        {"error":{"status":"RESOURCE_EXHAUSTED","details":[
          {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"#s"},
          {"@type":"type.googleapis.com/google.rpc.QuotaFailure",
           "violations":[{"quotaId":"PerMinute","quotaValue":#}]}]}}
        """,
        """
        [{"error":{"details":[
          {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":{"seconds":#,"nanos":#}}]}}]
        """,
        """{"message":"You have exceeded a secondary rate limit"}""",
        """[]""",
        """null""",
    ];

    private static readonly string[] Numbers =
    [
        "0", "1", "-1", "5000", "1.5", "1e308", "-1e308", "1796301000", "1796301000000", "\"7\"", "\"x\"", "null",
        "true", "{}", "[]",
    ];

    private static readonly Gen<ProviderResponse> Responses =
        Gen.Select(
            Gen.OneOf(200, 403, 429, 500, 503),
            Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[0, Values.Length - 1], Gen.String)
                .Select((name, value, random) => KeyValuePair.Create(
                    Names[name],
                    value % 7 == 6 ? random : Values[value]))
                .Array[0, 12],
            Gen.Int[-1, Bodies.Length - 1],
            Gen.Int[0, Numbers.Length - 1].Array[12])
        .Select((status, headers, body, numbers) => Response(status, headers, body, numbers));

    [Fact]
    public void EveryReader_SatisfiesTheInvariants_OnRandomResponses()
    {
        Responses.Sample(
            response => Assert.True(ReadingInvariants.Check(response) is null, ReadingInvariants.Check(response)),
            iter: Iterations,
            print: ReadingInvariants.Describe);
    }

    [Fact]
    public void EveryReader_ReadsNoPool_FromHeadersThatCarryNoSignal()
    {
        var unrelated = Gen.Select(Gen.String[1, 20], Gen.String)
            .Where((name, _) => !ReadingInvariants.IsSignal(name))
            .Select((name, value) => KeyValuePair.Create(name, value))
            .Array[0, 10];

        unrelated.Sample(
            headers =>
            {
                var response = new ProviderResponse(429, headers, null);

                Assert.All(
                    ReadingInvariants.Readers,
                    reader => Assert.Empty(ProviderReader.Read(reader, response).Pools));
            },
            iter: Iterations);
    }

    [Fact]
    public void EveryReader_IsAFunctionOfTheResponse()
    {
        Responses.Sample(
            response => Assert.All(ReadingInvariants.Readers, reader =>
                Assert.Equal(ProviderReader.Read(reader, response), ProviderReader.Read(reader, response), Same)),
            iter: Iterations / 4,
            print: ReadingInvariants.Describe);
    }

    private static bool Same(ProviderReading a, ProviderReading b) =>
        a with { Pools = [] } == b with { Pools = [] } && a.Pools.SequenceEqual(b.Pools);

    private static ProviderResponse Response(
        int status,
        KeyValuePair<string, string>[] headers,
        int body,
        int[] numbers)
    {
        JsonElement? json = null;
        if (body >= 0)
        {
            var text = Bodies[body];
            var next = 0;
            var filled = string.Concat(text.Select(c => c == '#'
                ? Numbers[numbers[next++ % numbers.Length]]
                : c.ToString(CultureInfo.InvariantCulture)));

            // A number pasted into a string ("Ns") stays valid JSON only when it is a bare number.
            try
            {
                using var document = JsonDocument.Parse(filled);
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                json = null;
            }
        }

        return new ProviderResponse(status, headers, json);
    }
}
