using System.Collections.Frozen;

namespace Ratelord.Core.Domain;

/// <summary>One pool a workload draws from, and what one intent of it costs there.</summary>
/// <param name="Provider">The provider of the pool.</param>
/// <param name="Pool">The pool's name within the provider.</param>
/// <param name="Cost">A fixed cost per intent; null means the intent's expected cost.</param>
public sealed record WorkloadPool(string Provider, string Pool, double? Cost);

/// <summary>What kind of work a workload is, in quota terms: the pools it draws from.</summary>
public sealed record WorkloadDefinition(string Id, IReadOnlyList<WorkloadPool> Pools);

/// <summary>
/// Maps workloads to pools and costs. A workload that is not configured draws cost 1 from its
/// identity's provider's default pool.
/// </summary>
public sealed class WorkloadCatalog
{
    private static readonly FrozenDictionary<string, string> DefaultPools = new Dictionary<string, string>
    {
        ["github"] = "core",
        ["openai"] = "requests",
        ["azure-openai"] = "requests",
        ["anthropic"] = "requests",
        ["shopify"] = "rest",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, WorkloadDefinition> _workloads;

    public WorkloadCatalog(IEnumerable<WorkloadDefinition> workloads)
    {
        _workloads = workloads.ToFrozenDictionary(w => w.Id, StringComparer.Ordinal);
    }

    /// <summary>A catalog with no configured workloads.</summary>
    public static WorkloadCatalog Empty { get; } = new([]);

    public IReadOnlyCollection<WorkloadDefinition> Workloads => _workloads.Values;

    /// <summary>The pool a provider's unconfigured workloads draw from.</summary>
    public static string DefaultPoolOf(string provider) => DefaultPools.GetValueOrDefault(provider, "default");

    /// <summary>The pools a workload draws from for an identity of the given provider.</summary>
    public IReadOnlyList<WorkloadPool> PoolsFor(string workloadId, string identityProvider) =>
        _workloads.TryGetValue(workloadId, out var definition)
            ? definition.Pools
            : [new WorkloadPool(identityProvider, DefaultPoolOf(identityProvider), 1)];
}
