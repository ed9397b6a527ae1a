namespace Ratelord.Core.Providers;

/// <summary>
/// Reads Azure OpenAI: <c>x-ratelimit-remaining-{requests,tokens}</c> and nothing else about the
/// pools, so their limits and resets are unknown; a 429 adds <c>retry-after-ms</c>.
/// </summary>
public sealed class AzureOpenAiParser : IRateLimitParser
{
    private static readonly string[] PoolNames = ["requests", "tokens"];

    /// <inheritdoc />
    public string Family => "azure-openai";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        return PoolNames.Any(pool => response.HasHeader($"x-ratelimit-remaining-{pool}"));
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = new List<PoolReading>();
        foreach (var pool in PoolNames)
        {
            var name = $"x-ratelimit-remaining-{pool}";
            if (!response.HasHeader(name))
            {
                continue;
            }

            pools.Add(new PoolReading(pool, null, ResponseValues.LowestNumber(response, name), null, null, null));
        }

        // retry-after-ms carries the same wait as Retry-After, without its rounding to whole seconds.
        var retryAfterMs = ResponseValues.HighestNumber(response, "retry-after-ms");
        var retryAfter = retryAfterMs / 1000 ?? ResetValues.RetryAfter(response, date);
        var limited = response.Status == 429;

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }
}
