namespace Ratelord.Core.Providers;

/// <summary>
/// Reads X (formerly Twitter): <c>x-rate-limit-{limit,remaining,reset}</c>, hyphenated, with the
/// reset as epoch seconds, plus the 24-hour app and user limits that some endpoints add.
/// </summary>
public sealed class XParser : IRateLimitParser
{
    private const double DayInSeconds = 86_400;

    /// <summary>The header prefix of each pool, its name, and its window where the name states it.</summary>
    private static readonly (string Prefix, string Pool, double? Window)[] Pools =
    [
        ("x-rate-limit-", "default", null),
        ("x-app-limit-24hour-", "app-24hour", DayInSeconds),
        ("x-user-limit-24hour-", "user-24hour", DayInSeconds),
    ];

    /// <inheritdoc />
    public string Family => "x";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        return Pools.Any(pool => HeaderNames(pool.Prefix).Any(response.HasHeader));
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = new List<PoolReading>();
        foreach (var (prefix, pool, window) in Pools)
        {
            var names = HeaderNames(prefix);
            if (!names.Any(response.HasHeader))
            {
                continue;
            }

            var limit = ResponseValues.LowestNumber(response, names[0]);
            var remaining = ResponseValues.LowestNumber(response, names[1]);
            var reset = ResetValues.FromNumber(ResponseValues.HighestNumber(response, names[2]), date);

            pools.Add(new PoolReading(pool, limit, remaining, null, reset, window));
        }

        var retryAfter = ResetValues.RetryAfter(response, date);
        var limited = response.Status == 429;

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }

    private static string[] HeaderNames(string prefix) => [$"{prefix}limit", $"{prefix}remaining", $"{prefix}reset"];
}
