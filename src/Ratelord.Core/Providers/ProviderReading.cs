namespace Ratelord.Core.Providers;

/// <summary>
/// What one provider response says about the quota pools of the identity that received it.
/// </summary>
/// <remarks>
/// Every number that the response did not report, or reported in a form that cannot be read, is
/// null: unknown, never zero, never full. A response without rate-limit headers yields no pools.
/// </remarks>
/// <param name="Family">The format family that read the response (github, openai, ietf, ...).</param>
/// <param name="Limited">True when the response itself says the call was throttled.</param>
/// <param name="RetryAfterSeconds">
/// Seconds to wait before calling again, measured from the response's own <c>Date</c>.
/// </param>
/// <param name="RetryAfterMinSeconds">
/// Set instead of <paramref name="RetryAfterSeconds"/> when only a lower bound on the wait is known.
/// </param>
/// <param name="ResponseDate">The response's <c>Date</c> header, when present and readable.</param>
/// <param name="Pools">The pools the response reports on.</param>
public sealed record ProviderReading(
    string Family,
    bool Limited,
    double? RetryAfterSeconds,
    double? RetryAfterMinSeconds,
    DateTimeOffset? ResponseDate,
    IReadOnlyList<PoolReading> Pools)
{
    /// <summary>A reading that says nothing: not throttled, no pools.</summary>
    public static ProviderReading Empty(string family, DateTimeOffset? responseDate) =>
        new(family, false, null, null, responseDate, []);
}

/// <summary>What a response says about one pool.</summary>
/// <param name="Pool">
/// The pool's name within the provider: a GitHub resource (core, search, graphql), requests,
/// tokens, input-tokens or output-tokens for LLM APIs, an IETF policy name (default when unnamed),
/// a Discord bucket id.
/// </param>
/// <param name="Limit">Capacity of the window, or null when not reported.</param>
/// <param name="Remaining">What is left, or null when not reported.</param>
/// <param name="Used">What is used, where the response says so.</param>
/// <param name="ResetInSeconds">
/// Seconds from the response's <c>Date</c> until the pool is full again or its window restarts.
/// </param>
/// <param name="WindowSeconds">The window's length, where the response states it.</param>
public sealed record PoolReading(
    string Pool,
    double? Limit,
    double? Remaining,
    double? Used,
    double? ResetInSeconds,
    double? WindowSeconds);
