namespace Ratelord.Core.Domain;

/// <summary>How much an intent matters to its agent.</summary>
public enum Urgency
{
    Normal = 0,
    High = 1,
    Background = 2,
}

/// <summary>The verdict of a decision.</summary>
public enum Verdict
{
    /// <summary>Go now.</summary>
    Approve,

    /// <summary>Go, after a wait, at a deferred time, or with another identity.</summary>
    ApproveWithModifications,

    /// <summary>Don't; the reason and the time a retry may succeed come with it.</summary>
    DenyWithReason,
}

/// <summary>The wire names of the domain's enumerations, used by the API and the log alike.</summary>
public static class WireNames
{
    public static string Of(Urgency urgency) => urgency switch
    {
        Urgency.High => "high",
        Urgency.Background => "background",
        _ => "normal",
    };

    public static string Of(Verdict verdict) => verdict switch
    {
        Verdict.Approve => "approve",
        Verdict.ApproveWithModifications => "approve_with_modifications",
        _ => "deny_with_reason",
    };

    public static string Of(Forecasting.PoolStatus status) => status switch
    {
        Forecasting.PoolStatus.Ok => "ok",
        Forecasting.PoolStatus.Warn => "warn",
        Forecasting.PoolStatus.Critical => "critical",
        _ => "unknown",
    };

    public static bool TryParseUrgency(string? text, out Urgency urgency)
    {
        switch (text)
        {
            case "high":
                urgency = Urgency.High;
                return true;
            case "normal":
                urgency = Urgency.Normal;
                return true;
            case "background":
                urgency = Urgency.Background;
                return true;
            default:
                urgency = Urgency.Normal;
                return false;
        }
    }
}
