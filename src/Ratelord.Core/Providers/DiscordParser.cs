namespace Ratelord.Core.Providers;

/// <summary>
/// Reads Discord: <c>x-ratelimit-{limit,remaining,reset,reset-after}</c> with
/// <c>x-ratelimit-bucket</c> naming the pool, and the 429 body's <c>retry_after</c>.
/// </summary>
public sealed class DiscordParser : IRateLimitParser
{
    /// <summary>The pool when Discord sends no bucket id.</summary>
    private const string DefaultPool = "default";

    private static readonly string[] Names =
    [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-ratelimit-reset-after",
        "x-ratelimit-bucket",
    ];

    /// <inheritdoc />
    public string Family => "discord";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        // The generic x-ratelimit-* names are shared with GitHub, Reddit and Envoy; these are Discord's own.
        return response.HasHeader("x-ratelimit-bucket")
            || response.HasHeader("x-ratelimit-reset-after")
            || response.HasHeader("x-ratelimit-global")
            || response.HasHeader("x-ratelimit-scope");
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = new List<PoolReading>();
        if (Names.Any(response.HasHeader))
        {
            var bucket = response.Header("x-ratelimit-bucket")?.Trim();
            var limit = ResponseValues.LowestNumber(response, "x-ratelimit-limit");
            var remaining = ResponseValues.LowestNumber(response, "x-ratelimit-remaining");

            // Reset-After is a delay on the server's clock, so it holds even when the Date is missing
            // or the epoch in Reset disagrees with it.
            var reset = response.HasHeader("x-ratelimit-reset-after")
                ? ResponseValues.HighestNumber(response, "x-ratelimit-reset-after")
                : ResetValues.FromNumber(ResponseValues.HighestNumber(response, "x-ratelimit-reset"), date);

            pools.Add(new PoolReading(
                string.IsNullOrEmpty(bucket) ? DefaultPool : bucket,
                limit,
                remaining,
                null,
                reset,
                null));
        }

        var retryAfter = RetryAfter(response, date);
        var limited = response.Status == 429;

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }

    /// <summary>
    /// The 429 body's <c>retry_after</c> is precise to the millisecond where the header is whole
    /// seconds; when both are present the longer one holds.
    /// </summary>
    private static double? RetryAfter(ProviderResponse response, DateTimeOffset? date)
    {
        var header = ResetValues.RetryAfter(response, date);
        var body = ResponseValues.Number(ResponseValues.Find(response.Body, "retry_after"));

        return header is not null && body is not null ? Math.Max(header.Value, body.Value) : header ?? body;
    }
}
