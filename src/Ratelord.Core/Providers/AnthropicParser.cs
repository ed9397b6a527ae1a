namespace Ratelord.Core.Providers;

/// <summary>
/// Reads Anthropic: <c>anthropic-ratelimit-{pool}-{limit,remaining,reset}</c> for the requests,
/// tokens, input-tokens and output-tokens pools, and <c>anthropic-priority-{pool}-*</c> for the
/// Priority Tier's priority-input-tokens and priority-output-tokens pools, with resets as RFC 3339
/// times.
/// </summary>
public sealed class AnthropicParser : IRateLimitParser
{
    private const string Prefix = "anthropic-ratelimit-";

    private const string PriorityPrefix = "anthropic-priority-";

    /// <summary>Each pool's name and the stem its three headers start with.</summary>
    private static readonly (string Pool, string Stem)[] Pools =
    [
        ("requests", $"{Prefix}requests"),
        ("tokens", $"{Prefix}tokens"),
        ("input-tokens", $"{Prefix}input-tokens"),
        ("output-tokens", $"{Prefix}output-tokens"),
        ("priority-input-tokens", $"{PriorityPrefix}input-tokens"),
        ("priority-output-tokens", $"{PriorityPrefix}output-tokens"),
    ];

    /// <inheritdoc />
    public string Family => "anthropic";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        return response.Headers.Any(h =>
            h.Key?.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) == true
            || h.Key?.StartsWith(PriorityPrefix, StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = new List<PoolReading>();
        foreach (var (pool, stem) in Pools)
        {
            string[] names = [$"{stem}-limit", $"{stem}-remaining", $"{stem}-reset"];
            if (!names.Any(response.HasHeader))
            {
                continue;
            }

            var limit = ResponseValues.LowestNumber(response, names[0]);
            var remaining = ResponseValues.LowestNumber(response, names[1]);

            // The reset is an absolute time, so it only becomes a wait against the server's Date.
            var reset = ResponseValues.Highest(ResponseValues.Items(response, names[2])
                .Select(value => ResetValues.Until(ResponseValues.Rfc3339(value), date)));

            pools.Add(new PoolReading(pool, limit, remaining, null, reset, null));
        }

        var retryAfter = ResetValues.RetryAfter(response, date);
        var limited = response.Status == 429;

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }
}
