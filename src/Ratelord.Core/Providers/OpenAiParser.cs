namespace Ratelord.Core.Providers;

/// <summary>
/// Reads OpenAI: <c>x-ratelimit-{limit,remaining,reset}-{requests,tokens}</c>, two pools whose
/// resets are Go durations (<c>12ms</c>, <c>6m0s</c>, <c>1h2m3.5s</c>).
/// </summary>
public sealed class OpenAiParser : IRateLimitParser
{
    private static readonly string[] PoolNames = ["requests", "tokens"];

    /// <inheritdoc />
    public string Family => "openai";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        // The remaining headers alone are Azure OpenAI's shape; the limit or reset makes it OpenAI's.
        return PoolNames.Any(pool =>
            response.HasHeader($"x-ratelimit-limit-{pool}") || response.HasHeader($"x-ratelimit-reset-{pool}"));
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = new List<PoolReading>();
        foreach (var pool in PoolNames)
        {
            string[] names =
            [
                $"x-ratelimit-limit-{pool}",
                $"x-ratelimit-remaining-{pool}",
                $"x-ratelimit-reset-{pool}",
            ];
            if (!names.Any(response.HasHeader))
            {
                continue;
            }

            var limit = ResponseValues.LowestNumber(response, names[0]);
            var remaining = ResponseValues.LowestNumber(response, names[1]);
            var reset = ResponseValues.Highest(ResponseValues.Items(response, names[2])
                .Select(value => Reset(value, date)));

            pools.Add(new PoolReading(pool, limit, remaining, null, reset, null));
        }

        var retryAfter = ResetValues.RetryAfter(response, date);
        var limited = response.Status == 429;

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }

    /// <summary>
    /// A Go duration, as OpenAI sends it; a bare number, as some compatible servers send, is read
    /// like any other numeric reset.
    /// </summary>
    private static double? Reset(string value, DateTimeOffset? date) =>
        ResponseValues.GoDuration(value) ?? ResetValues.FromNumber(ResponseValues.Number(value), date);
}
