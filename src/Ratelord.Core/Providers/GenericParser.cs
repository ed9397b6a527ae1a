namespace Ratelord.Core.Providers;

/// <summary>
/// Reads what any HTTP API may say: a 429 and a <c>Retry-After</c>. It reports no pools, and is
/// what <see cref="ProviderReader"/> falls back to when no other family recognises a response.
/// </summary>
public sealed class GenericParser : IRateLimitParser
{
    /// <inheritdoc />
    public string Family => "generic";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        return response.HasHeader("Retry-After") || response.Status == 429;
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var retryAfter = ResetValues.RetryAfter(response, date);
        var limited = response.Status == 429;

        return ResetValues.Conclude(Family, date, limited, retryAfter, []);
    }
}
