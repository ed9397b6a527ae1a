using System.Text.Json;

namespace Ratelord.Core.Providers;

/// <summary>
/// Reads GitHub: the <c>x-ratelimit-*</c> headers of the REST and GraphQL APIs (the resource
/// header names the pool), the body of <c>GET /rate_limit</c>, the <c>rateLimit</c> object a GraphQL
/// query may ask for, GraphQL's 200 answers whose errors say <c>RATE_LIMITED</c>, and the difference
/// between primary and secondary limits.
/// </summary>
public sealed class GitHubParser : IRateLimitParser
{
    /// <summary>
    /// GitHub's documented wait for a secondary limit that names none: at least a minute, whatever
    /// the pool's reset says, since the pool is not what ran out.
    /// </summary>
    private const double SecondaryLimitMinimumWaitSeconds = 60;

    /// <summary>The pool of a REST response that does not name its resource.</summary>
    private const string DefaultResource = "core";

    /// <summary>The resource that GraphQL queries draw from, and that their <c>rateLimit</c> object reports.</summary>
    private const string GraphQlResource = "graphql";

    /// <inheritdoc />
    public string Family => "github";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        return response.HasHeader("x-ratelimit-resource")
            || response.Headers.Any(h => h.Key?.StartsWith("x-github-", StringComparison.OrdinalIgnoreCase) == true)
            || ResponseValues.Find(response.Body, "resources") is { ValueKind: JsonValueKind.Object }
            || ResponseValues.Find(response.Body, "data", "rateLimit") is { ValueKind: JsonValueKind.Object }
            || SaysRateLimited(response.Body);
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = BodyPools(response.Body, date);
        if (GraphQlPool(response.Body, date) is { } graphQl && pools.TrueForAll(p => p.Pool != graphQl.Pool))
        {
            pools.Add(graphQl);
        }

        var headerPool = HeaderPool(response, date);
        if (headerPool is not null && pools.TrueForAll(p => p.Pool != headerPool.Pool))
        {
            pools.Insert(0, headerPool);
        }

        var retryAfter = ResetValues.RetryAfter(response, date);
        var limited = IsLimited(response, headerPool);
        var reading = ResetValues.Conclude(Family, date, limited, retryAfter, pools);

        // Throttled with no wait named and no exhausted pool to wait for: a secondary limit, or a
        // primary one whose reset is unreadable. Either way GitHub's floor of a minute applies.
        if (reading is { Limited: true, RetryAfterSeconds: null, RetryAfterMinSeconds: null })
        {
            return reading with { RetryAfterMinSeconds = SecondaryLimitMinimumWaitSeconds };
        }

        return reading;
    }

    private static PoolReading? HeaderPool(ProviderResponse response, DateTimeOffset? date)
    {
        string[] names = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used", "x-ratelimit-reset"];
        if (!names.Any(response.HasHeader))
        {
            return null;
        }

        var resource = response.Header("x-ratelimit-resource")?.Trim();
        var limit = ResponseValues.LowestNumber(response, "x-ratelimit-limit");
        var used = ResponseValues.HighestNumber(response, "x-ratelimit-used");
        var remaining = response.HasHeader("x-ratelimit-remaining")
            ? ResponseValues.LowestNumber(response, "x-ratelimit-remaining")
            : ResponseValues.RemainingFrom(limit, used);
        var reset = ResetValues.FromNumber(ResponseValues.HighestNumber(response, "x-ratelimit-reset"), date);

        return new PoolReading(
            string.IsNullOrEmpty(resource) ? DefaultResource : resource,
            limit,
            remaining,
            used,
            reset,
            null);
    }

    /// <summary>
    /// The pools of a <c>GET /rate_limit</c> body. Its <c>rate</c> object repeats <c>core</c> for old
    /// clients and is left out.
    /// </summary>
    private static List<PoolReading> BodyPools(JsonElement? body, DateTimeOffset? date)
    {
        var pools = new List<PoolReading>();
        if (ResponseValues.Find(body, "resources") is not { ValueKind: JsonValueKind.Object } resources)
        {
            return pools;
        }

        foreach (var resource in resources.EnumerateObject())
        {
            if (resource.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var limit = ResponseValues.Number(ResponseValues.Find(resource.Value, "limit"));
            var used = ResponseValues.Number(ResponseValues.Find(resource.Value, "used"));
            var remaining = resource.Value.TryGetProperty("remaining", out var stated)
                ? ResponseValues.Number(stated)
                : ResponseValues.RemainingFrom(limit, used);
            var epoch = ResponseValues.Number(ResponseValues.Find(resource.Value, "reset"));
            var reset = ResetValues.FromNumber(epoch, date);

            pools.Add(new PoolReading(resource.Name, limit, remaining, used, reset, null));
        }

        return pools;
    }

    /// <summary>
    /// The <c>rateLimit</c> object of a GraphQL answer (<c>limit</c>, <c>remaining</c>, <c>used</c>
    /// and <c>resetAt</c> as an ISO 8601 time), which already counts the query's own cost.
    /// </summary>
    private static PoolReading? GraphQlPool(JsonElement? body, DateTimeOffset? date)
    {
        if (ResponseValues.Find(body, "data", "rateLimit") is not { ValueKind: JsonValueKind.Object } rateLimit)
        {
            return null;
        }

        var limit = ResponseValues.Number(ResponseValues.Find(rateLimit, "limit"));
        var used = ResponseValues.Number(ResponseValues.Find(rateLimit, "used"));
        var remaining = rateLimit.TryGetProperty("remaining", out var stated)
            ? ResponseValues.Number(stated)
            : ResponseValues.RemainingFrom(limit, used);
        var resetAt = ResponseValues.Rfc3339(ResponseValues.Text(ResponseValues.Find(rateLimit, "resetAt")));
        var reset = ResetValues.Until(resetAt, date);

        // A query may ask only for its cost; an object that states none of these says nothing of the pool.
        return limit is null && remaining is null && used is null && reset is null
            ? null
            : new PoolReading(GraphQlResource, limit, remaining, used, reset, null);
    }

    /// <summary>
    /// A 429 is always a rate limit; a 403 only when GitHub marks it as one (the pool ran out, a
    /// Retry-After, or a message about a rate limit), since a 403 is also what a missing
    /// permission gets.
    /// </summary>
    private static bool IsLimited(ProviderResponse response, PoolReading? headerPool)
    {
        if (response.Status == 429 || SaysRateLimited(response.Body))
        {
            return true;
        }

        if (response.Status != 403)
        {
            return false;
        }

        var message = ResponseValues.Text(ResponseValues.Find(response.Body, "message")) ?? string.Empty;

        return headerPool?.Remaining == 0
            || response.HasHeader("Retry-After")
            || message.Contains("rate limit", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>GraphQL answers a throttled query with a 200 whose errors have the type RATE_LIMITED.</summary>
    private static bool SaysRateLimited(JsonElement? body) =>
        ResponseValues.Elements(ResponseValues.Find(body, "errors"))
            .Any(error => ResponseValues.Text(ResponseValues.Find(error, "type")) == "RATE_LIMITED");
}
