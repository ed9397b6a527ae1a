namespace Ratelord.Core.Providers;

/// <summary>
/// Reads GitLab: <c>RateLimit-Limit</c>, <c>-Remaining</c>, <c>-Observed</c> (what is used),
/// <c>-Reset</c> and <c>-ResetTime</c>, with <c>RateLimit-Name</c> naming the throttle that applies.
/// </summary>
/// <remarks>
/// The names are those of the IETF trio, but GitLab writes <c>RateLimit-Reset</c> as an epoch in
/// seconds where the draft means a delay, and repeats it as an HTTP-date in <c>RateLimit-ResetTime</c>.
/// Both are read against the response's <c>Date</c>; when they disagree the later reset holds.
/// </remarks>
public sealed class GitLabParser : IRateLimitParser
{
    /// <summary>The pool when GitLab does not name its throttle, as it does on answers that were let through.</summary>
    private const string DefaultPool = "default";

    private static readonly string[] Names =
    [
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Observed",
        "RateLimit-Reset",
        "RateLimit-ResetTime",
    ];

    /// <inheritdoc />
    public string Family => "gitlab";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        // The trio is shared with the IETF drafts; these three are GitLab's own.
        return response.HasHeader("RateLimit-Observed")
            || response.HasHeader("RateLimit-ResetTime")
            || response.HasHeader("RateLimit-Name");
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = new List<PoolReading>();
        if (Names.Any(response.HasHeader))
        {
            var name = response.Header("RateLimit-Name")?.Trim();
            var limit = ResponseValues.LowestNumber(response, "RateLimit-Limit");
            var used = ResponseValues.HighestNumber(response, "RateLimit-Observed");
            var remaining = response.HasHeader("RateLimit-Remaining")
                ? ResponseValues.LowestNumber(response, "RateLimit-Remaining")
                : ResponseValues.RemainingFrom(limit, used);

            pools.Add(new PoolReading(
                string.IsNullOrEmpty(name) ? DefaultPool : name,
                limit,
                remaining,
                used,
                Reset(response, date),
                null));
        }

        var retryAfter = ResetValues.RetryAfter(response, date);
        var limited = response.Status == 429;

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }

    /// <summary>
    /// The later of the two resets that are sent; unknown when either one is sent unreadable, since
    /// the unreadable one could be the later.
    /// </summary>
    private static double? Reset(ProviderResponse response, DateTimeOffset? date)
    {
        var stated = new List<double?>();
        if (response.HasHeader("RateLimit-Reset"))
        {
            stated.Add(ResetValues.FromNumber(ResponseValues.HighestNumber(response, "RateLimit-Reset"), date));
        }

        if (response.HasHeader("RateLimit-ResetTime"))
        {
            stated.AddRange(response.HeaderValues("RateLimit-ResetTime")
                .Select(value => ResetValues.Until(ResponseValues.HttpDate(value), date)));
        }

        return ResponseValues.Highest(stated);
    }
}
