using Ratelord.Core.Domain;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Policies;

namespace Ratelord.Core.Engine;

/// <summary>What the engine decides with, besides the log: workloads, the forecast model, limits.</summary>
public sealed record RatelordOptions
{
    /// <summary>How long an approval holds its reservation after its start, unless settled. Default 60 s.</summary>
    public TimeSpan ApprovalTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A wait longer than this is answered as a deferral to a time rather than a wait. Default 60 s.</summary>
    public TimeSpan DeferAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Relative change of the P50 time to exhaustion that counts as material. Default 0.25.</summary>
    public double MaterialTteChange { get; init; } = 0.25;

    private readonly WorkloadCatalog? _workloads;
    private readonly string? _policyVersion;

    /// <summary>The policy in force: rules, budgets, prices, workloads and defaults.</summary>
    public PolicySet Policy { get; init; } = PolicySet.BuiltIn;

    /// <summary>The workloads; those of <see cref="Policy"/> unless set.</summary>
    public WorkloadCatalog Workloads
    {
        get => _workloads ?? Policy.Workloads;
        init => _workloads = value;
    }

    /// <summary>Identifies the policy in force; recorded in every decision.</summary>
    public string PolicyVersion
    {
        get => _policyVersion ?? Policy.Version;
        init => _policyVersion = value;
    }

    public IForecastModel ForecastModel { get; init; } = new WindowRateModel();
}
