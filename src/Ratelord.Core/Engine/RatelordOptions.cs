using Ratelord.Core.Domain;
using Ratelord.Core.Forecasting;

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

    public WorkloadCatalog Workloads { get; init; } = WorkloadCatalog.Empty;

    /// <summary>Identifies the policy in force; recorded in every decision.</summary>
    public string PolicyVersion { get; init; } = "builtin";

    public IForecastModel ForecastModel { get; init; } = new WindowRateModel();
}
