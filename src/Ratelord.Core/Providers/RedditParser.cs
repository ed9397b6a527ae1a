namespace Ratelord.Core.Providers;

/// <summary>
/// Reads Reddit: <c>x-ratelimit-{used,remaining,reset}</c>, with remaining written as a decimal
/// (<c>595.0</c>) and the reset as a delay in seconds. Reddit does not send the limit.
/// </summary>
public sealed class RedditParser : IRateLimitParser
{
    /// <summary>Reddit's headers speak of one window without naming it.</summary>
    private const string DefaultPool = "default";

    private static readonly string[] Names = ["x-ratelimit-used", "x-ratelimit-remaining", "x-ratelimit-reset"];

    /// <inheritdoc />
    public string Family => "reddit";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        // GitHub also sends x-ratelimit-used, but always beside a limit; Reddit never sends one.
        return response.HasHeader("x-ratelimit-used") && !response.HasHeader("x-ratelimit-limit");
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = new List<PoolReading>();
        if (Names.Any(response.HasHeader))
        {
            var used = ResponseValues.HighestNumber(response, "x-ratelimit-used");
            var remaining = ResponseValues.LowestNumber(response, "x-ratelimit-remaining");
            var reset = ResetValues.FromNumber(ResponseValues.HighestNumber(response, "x-ratelimit-reset"), date);

            pools.Add(new PoolReading(DefaultPool, null, remaining, used, reset, null));
        }

        var retryAfter = ResetValues.RetryAfter(response, date);
        var limited = response.Status == 429;

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }
}
