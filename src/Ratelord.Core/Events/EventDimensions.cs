namespace Ratelord.Core.Events;

/// <summary>
/// The four dimensions every event carries: who asked, which credential is charged, what kind of
/// work it is and where it applies. A dimension that does not apply holds an explicit sentinel.
/// </summary>
public sealed record EventDimensions(string AgentId, string IdentityId, string WorkloadId, string ScopeId)
{
    /// <summary>Dimensions of an event that the daemon itself authored.</summary>
    public static EventDimensions System { get; } =
        new(Sentinels.System, Sentinels.System, Sentinels.System, Sentinels.GlobalScope);
}

/// <summary>Explicit values for dimensions that do not apply, so a missing value is never ambiguous.</summary>
public static class Sentinels
{
    /// <summary>The daemon itself, for events no agent caused.</summary>
    public const string System = "sentinel:system";

    /// <summary>A dimension that the event's cause did not name.</summary>
    public const string Unspecified = "sentinel:unspecified";

    /// <summary>The root of the scope hierarchy.</summary>
    public const string GlobalScope = "global";
}
