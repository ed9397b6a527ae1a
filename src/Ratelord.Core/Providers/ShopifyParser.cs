using System.Text.Json;

namespace Ratelord.Core.Providers;

/// <summary>
/// Reads Shopify: the REST leaky bucket in <c>X-Shopify-Shop-Api-Call-Limit</c> (<c>32/40</c>,
/// used over capacity) as the pool <c>rest</c>, and the GraphQL cost bucket in the body's
/// <c>extensions.cost.throttleStatus</c> as the pool <c>graphql</c>.
/// </summary>
public sealed class ShopifyParser : IRateLimitParser
{
    private const string CallLimitHeader = "X-Shopify-Shop-Api-Call-Limit";

    /// <inheritdoc />
    public string Family => "shopify";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        return response.HasHeader(CallLimitHeader) || ThrottleStatus(response.Body) is not null;
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = new List<PoolReading>();
        if (response.HasHeader(CallLimitHeader))
        {
            pools.Add(RestPool(response));
        }

        if (ThrottleStatus(response.Body) is { } status)
        {
            pools.Add(GraphQlPool(status));
        }

        var retryAfter = ResetValues.RetryAfter(response, date) ?? GraphQlWait(response.Body);
        var limited = response.Status == 429 || SaysThrottled(response.Body);

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }

    /// <summary>
    /// The REST bucket leaks at a rate that depends on the shop's plan and is not in the header,
    /// so the time until it is empty again stays unknown.
    /// </summary>
    private static PoolReading RestPool(ProviderResponse response)
    {
        var used = new List<double?>();
        var limit = new List<double?>();
        foreach (var value in response.HeaderValues(CallLimitHeader))
        {
            var parts = (value ?? string.Empty).Split('/');
            used.Add(parts.Length == 2 ? ResponseValues.Number(parts[0]) : null);
            limit.Add(parts.Length == 2 ? ResponseValues.Number(parts[1]) : null);
        }

        var highestUsed = ResponseValues.Highest(used);
        var lowestLimit = ResponseValues.Lowest(limit);

        return new PoolReading(
            "rest",
            lowestLimit,
            ResponseValues.RemainingFrom(lowestLimit, highestUsed),
            highestUsed,
            null,
            null);
    }

    /// <summary>The cost bucket fills back at its restore rate, so the time until it is full follows.</summary>
    private static PoolReading GraphQlPool(JsonElement status)
    {
        var maximum = ResponseValues.Number(ResponseValues.Find(status, "maximumAvailable"));
        var available = ResponseValues.Number(ResponseValues.Find(status, "currentlyAvailable"));
        var restoreRate = ResponseValues.Number(ResponseValues.Find(status, "restoreRate"));

        var untilFull = SecondsToRestore(maximum, available, restoreRate);

        return new PoolReading("graphql", maximum, available, null, untilFull, null);
    }

    /// <summary>
    /// A throttled query waits until the bucket holds its requested cost again, which is usually
    /// sooner than the bucket is full.
    /// </summary>
    private static double? GraphQlWait(JsonElement? body)
    {
        if (!SaysThrottled(body) || ThrottleStatus(body) is not { } status)
        {
            return null;
        }

        var cost = ResponseValues.Number(ResponseValues.Find(body, "extensions", "cost", "requestedQueryCost"));
        var available = ResponseValues.Number(ResponseValues.Find(status, "currentlyAvailable"));
        var restoreRate = ResponseValues.Number(ResponseValues.Find(status, "restoreRate"));

        return SecondsToRestore(cost, available, restoreRate);
    }

    private static double? SecondsToRestore(double? target, double? available, double? restoreRate) =>
        target is { } goal && available is { } now && restoreRate is { } rate && rate > 0
            ? Math.Max(0, goal - now) / rate
            : null;

    private static JsonElement? ThrottleStatus(JsonElement? body) =>
        ResponseValues.Find(body, "extensions", "cost", "throttleStatus") is { ValueKind: JsonValueKind.Object } status
            ? status
            : null;

    /// <summary>GraphQL answers a throttled query with a 200 whose errors carry the code THROTTLED.</summary>
    private static bool SaysThrottled(JsonElement? body) =>
        ResponseValues.Elements(ResponseValues.Find(body, "errors"))
            .Any(error => ResponseValues.Text(ResponseValues.Find(error, "extensions", "code")) == "THROTTLED");
}
