using System.Reflection;

namespace Ratelord.Sdk.Http;

/// <summary>
/// How the HttpClient handler builds the intent of each request and reports its outcome. Set once per client with
/// <c>AddRatelord(o =&gt; ...)</c>; a request changes any of it with <see cref="RatelordRequestOptions"/>.
/// </summary>
public sealed class RatelordHandlerOptions
{
    /// <summary>The scope when none is set: the whole of the provider.</summary>
    public const string DefaultScopeId = "global";

    /// <summary>
    /// The agent that asks, for example <c>crawler-01</c>. Default, with <c>AddRatelord</c>: the name of the
    /// process's entry assembly.
    /// </summary>
    public string? AgentId { get; set; }

    /// <summary>The registered identity every call is charged to, for example <c>pat:ci-bot</c>. Required.</summary>
    public string? IdentityId { get; set; }

    /// <summary>
    /// The workload of every call, for example <c>repo_read</c>; it maps to the pools a call draws from. Default, with
    /// <c>AddRatelord</c>: the client's name.
    /// </summary>
    public string? WorkloadId { get; set; }

    /// <summary>Where the calls apply, for example <c>org:acme</c>. Default <c>global</c>.</summary>
    public string ScopeId { get; set; } = DefaultScopeId;

    /// <summary>How much the calls matter. Default <see cref="Sdk.Urgency.Normal"/>.</summary>
    public Urgency Urgency { get; set; } = Urgency.Normal;

    /// <summary>
    /// Estimates what a request will cost in the pools it draws from; null, or a null estimate, lets the workload
    /// decide (1 for a workload the policy does not list). Default none.
    /// </summary>
    public Func<HttpRequestMessage, double?>? EstimateCost { get; set; }

    /// <summary>
    /// Reads what a call really cost from its response, for example the tokens in an LLM's <c>usage</c>; the
    /// content is buffered first, so the caller can still read it. Null lets the provider's headers or the expected
    /// cost stand. Default none.
    /// </summary>
    public Func<HttpResponseMessage, CancellationToken, ValueTask<double?>>? ReadActualCost { get; set; }

    /// <summary>
    /// The longest wait a call accepts; a decision that would wait longer is a deny with reason
    /// <c>wait_exceeds_max_wait</c>. Default none: any wait is accepted, within the HttpClient's timeout.
    /// </summary>
    public TimeSpan? MaxWait { get; set; }

    /// <summary>
    /// The provider's header format family (<c>github</c>, <c>openai</c>, ...) to read responses with; null lets the
    /// daemon recognise it. Default null.
    /// </summary>
    public string? Provider { get; set; }

    /// <summary>
    /// Puts the credential of the identity a call is charged to on the request, which is how a decision that
    /// switches identities is obeyed. Default none: the client's own credentials are sent, and a switch fails the
    /// call. With <c>AddRatelord</c>, an <see cref="IRatelordCredentialProvider"/> in the container is used when
    /// this is not set.
    /// </summary>
    public IRatelordCredentialProvider? CredentialProvider { get; set; }

    /// <summary>The agent id <c>AddRatelord</c> uses when none is set: the entry assembly's name.</summary>
    internal static string DefaultAgentId { get; } =
        Assembly.GetEntryAssembly()?.GetName().Name is { Length: > 0 } name ? name : "dotnet-agent";

    /// <summary>A copy, so that the handler keeps the values that were validated.</summary>
    internal RatelordHandlerOptions Copy() => (RatelordHandlerOptions)MemberwiseClone();
}
