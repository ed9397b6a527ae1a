namespace Ratelord.Sdk.Http;

/// <summary>
/// What one request changes in the intent the HttpClient handler builds for it; every value left null keeps the
/// client's own (<see cref="RatelordHandlerOptions"/>). Attach it with
/// <see cref="RatelordHttpRequestMessageExtensions.WithRatelord"/>.
/// </summary>
public sealed record RatelordRequestOptions
{
    /// <summary>The agent that asks, instead of the client's.</summary>
    public string? AgentId { get; init; }

    /// <summary>The identity the call is charged to, instead of the client's.</summary>
    public string? IdentityId { get; init; }

    /// <summary>
    /// The workload, instead of the client's, for example <c>search</c> on a client of <c>repo_read</c>.
    /// </summary>
    public string? WorkloadId { get; init; }

    /// <summary>The scope, instead of the client's, for example <c>repo:acme/web</c>.</summary>
    public string? ScopeId { get; init; }

    /// <summary>The urgency, instead of the client's.</summary>
    public Urgency? Urgency { get; init; }

    /// <summary>
    /// The expected cost of this call, for example the tokens a prompt is estimated to use. Takes precedence over
    /// <see cref="EstimateCost"/> and over the client's estimator.
    /// </summary>
    public double? ExpectedCost { get; init; }

    /// <summary>An estimator of the expected cost for this request, instead of the client's.</summary>
    public Func<HttpRequestMessage, double?>? EstimateCost { get; init; }

    /// <summary>The longest wait this call accepts, instead of the client's.</summary>
    public TimeSpan? MaxWait { get; init; }
}

/// <summary>Per-request Ratelord settings on an <see cref="HttpRequestMessage"/>, kept in its options.</summary>
public static class RatelordHttpRequestMessageExtensions
{
    /// <summary>The key of the per-request settings in <see cref="HttpRequestMessage.Options"/>.</summary>
    public static readonly HttpRequestOptionsKey<RatelordRequestOptions> OptionsKey = new("Ratelord.RequestOptions");

    /// <summary>
    /// The key under which the handler records the decision it obeyed in <see cref="HttpRequestMessage.Options"/>.
    /// </summary>
    public static readonly HttpRequestOptionsKey<Decision> DecisionKey = new("Ratelord.Decision");

    /// <summary>Sets what this request changes in the intent the handler builds for it.</summary>
    /// <param name="request">The request.</param>
    /// <param name="options">The values that replace the client's.</param>
    /// <returns>The same request, for chaining.</returns>
    public static HttpRequestMessage WithRatelord(this HttpRequestMessage request, RatelordRequestOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        request.Options.Set(OptionsKey, options);

        return request;
    }

    /// <summary>
    /// The decision the handler obeyed for this request, for example to read its <see cref="Decision.IntentId"/>
    /// from <c>response.RequestMessage</c>; null when the request did not pass through the handler.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>The decision, or null.</returns>
    public static Decision? GetRatelordDecision(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);

        return request.Options.TryGetValue(DecisionKey, out var decision) ? decision : null;
    }
}
