namespace Ratelord.Core.Providers;

/// <summary>
/// Turns the times that responses carry (resets, Retry-After) into seconds from the response's own
/// <c>Date</c>, and decides how long a throttled response asks the caller to wait.
/// </summary>
/// <remarks>
/// Every time is measured against the server's clock, never the local one: the local clock may be
/// minutes off, while the reset and the <c>Date</c> come from the same machine. Without a
/// <c>Date</c>, an absolute time cannot be turned into a wait, so it stays unknown.
/// </remarks>
internal static class ResetValues
{
    /// <summary>
    /// Stands in for the response's <c>Date</c> only to tell a delay from an epoch when the date is
    /// missing (November 2023); a reset that needs the date still comes out unknown.
    /// </summary>
    private const double ReferenceEpochSeconds = 1_700_000_000;

    /// <summary>
    /// An epoch in milliseconds is a thousand times one in seconds; the geometric middle of the two
    /// keeps each reading far from the boundary for any date of this millennium.
    /// </summary>
    private static readonly double MillisecondsBoundary = Math.Sqrt(1000);

    /// <summary>The response's <c>Date</c> header (the first one), when present and readable.</summary>
    public static DateTimeOffset? ResponseDate(ProviderResponse response) =>
        ResponseValues.HttpDate(response.Header("Date"));

    /// <summary>
    /// Seconds until a reset given as a bare number, which providers write as a delay, an epoch in
    /// seconds or an epoch in milliseconds. Its size against the response's date tells which.
    /// </summary>
    /// <remarks>
    /// Below half the date's epoch the number is a delay (a delay that long would span decades);
    /// up to about thirty times the epoch it is in seconds; beyond, in milliseconds.
    /// </remarks>
    public static double? FromNumber(double? value, DateTimeOffset? date)
    {
        if (value is not { } number)
        {
            return null;
        }

        var reference = date is { } known ? known.ToUnixTimeMilliseconds() / 1000.0 : ReferenceEpochSeconds;
        if (number < reference / 2)
        {
            return number;
        }

        var epochSeconds = number < reference * MillisecondsBoundary ? number : number / 1000;

        return date is { } now ? Math.Max(0, epochSeconds - (now.ToUnixTimeMilliseconds() / 1000.0)) : null;
    }

    /// <summary>Seconds from the response's date until the moment; 0 when it has passed.</summary>
    public static double? Until(DateTimeOffset? moment, DateTimeOffset? date) =>
        moment is { } then && date is { } now ? Math.Max(0, (then - now).TotalSeconds) : null;

    /// <summary>
    /// The wait that <c>Retry-After</c> asks for: seconds (a fraction allowed) or an HTTP-date read
    /// against the response's date. When the header repeats, the longest wait holds.
    /// </summary>
    public static double? RetryAfter(ProviderResponse response, DateTimeOffset? date) =>
        ResponseValues.Highest(response.HeaderValues("Retry-After")
            .Select(value => ResponseValues.Number(value) ?? Until(ResponseValues.HttpDate(value), date)));

    /// <summary>
    /// Completes a reading. The wait is the one the response named; without one, a throttled
    /// response waits for the latest reset among the pools it exhausted.
    /// </summary>
    /// <remarks>
    /// When some exhausted pools have no known reset, the latest known reset is only a lower bound
    /// on the wait, so it is given as the minimum rather than as the wait itself.
    /// </remarks>
    public static ProviderReading Conclude(
        string family,
        DateTimeOffset? date,
        bool limited,
        double? retryAfter,
        IReadOnlyList<PoolReading> pools)
    {
        if (retryAfter is not null || !limited)
        {
            return new ProviderReading(family, limited, retryAfter, null, date, pools);
        }

        var exhausted = pools.Where(p => p.Remaining == 0).ToList();
        var known = exhausted.Where(p => p.ResetInSeconds is not null).Select(p => p.ResetInSeconds!.Value).ToList();
        if (known.Count == 0)
        {
            return new ProviderReading(family, limited, null, null, date, pools);
        }

        return known.Count == exhausted.Count
            ? new ProviderReading(family, limited, known.Max(), null, date, pools)
            : new ProviderReading(family, limited, null, known.Max(), date, pools);
    }
}
