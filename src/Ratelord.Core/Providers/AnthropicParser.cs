namespace Ratelord.Core.Providers;

/// <summary>
/// Reads Anthropic: <c>anthropic-ratelimit-{pool}-{limit,remaining,reset}</c> for the requests,
/// tokens, input-tokens and output-tokens pools, with resets as RFC 3339 times.
/// </summary>
public sealed class AnthropicParser : IRateLimitParser
{
    private const string Prefix = "anthropic-ratelimit-";

    private static readonly string[] PoolNames = ["requests", "tokens", "input-tokens", "output-tokens"];

    /// <inheritdoc />
    public string Family => "anthropic";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        return response.Headers.Any(h => h.Key?.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = new List<PoolReading>();
        foreach (var pool in PoolNames)
        {
            string[] names = [$"{Prefix}{pool}-limit", $"{Prefix}{pool}-remaining", $"{Prefix}{pool}-reset"];
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
