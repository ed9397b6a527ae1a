namespace Ratelord.Core.Providers;

/// <summary>
/// Reads Envoy's rate-limit filter: <c>x-ratelimit-limit</c> with its quota policy list
/// (<c>10, 10;w=1</c>), <c>x-ratelimit-remaining</c>, and <c>x-ratelimit-reset</c> as a delay.
/// </summary>
public sealed class EnvoyParser : IRateLimitParser
{
    /// <summary>Envoy reports the descriptor closest to its limit without naming it.</summary>
    private const string DefaultPool = "default";

    private static readonly string[] Names = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"];

    /// <inheritdoc />
    public string Family => "envoy";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        return Names.Any(response.HasHeader) || response.HasHeader("x-envoy-ratelimited");
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = new List<PoolReading>();
        if (Names.Any(response.HasHeader))
        {
            var (limit, window) = ResponseValues.PolicyLimit(response, "x-ratelimit-limit");
            var remaining = ResponseValues.LowestNumber(response, "x-ratelimit-remaining");
            var reset = ResetValues.FromNumber(ResponseValues.HighestNumber(response, "x-ratelimit-reset"), date);

            pools.Add(new PoolReading(DefaultPool, limit, remaining, null, reset, window));
        }

        var retryAfter = ResetValues.RetryAfter(response, date);
        var limited = response.Status == 429;

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }
}
