using System.Globalization;

namespace Ratelord.Sdk;

/// <summary>
/// A call was not made because Ratelord denied its intent. Thrown only where a caller asked for an exception rather
/// than a value: by the HttpClient handler and by <see cref="RatelordClientExtensions.AcquireAsync"/>. It carries
/// the machine-readable <see cref="Reason"/> and, when known, how long until asking again may succeed.
/// </summary>
public sealed class RatelordDeniedException : RatelordException
{
    /// <summary>Creates the exception.</summary>
    public RatelordDeniedException()
        : this("Ratelord denied the call.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was denied and why.</param>
    public RatelordDeniedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was denied and why.</param>
    /// <param name="innerException">The cause.</param>
    public RatelordDeniedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a deny, with a message that names its reason and retry time.</summary>
    /// <param name="decision">The deny.</param>
    /// <param name="intent">The intent that was denied.</param>
    public RatelordDeniedException(Decision decision, Intent intent)
        : base(Describe(decision, intent))
    {
        ArgumentNullException.ThrowIfNull(decision);
        Decision = decision;
        Intent = intent;
    }

    /// <summary>The deny, as the daemon (or the failure mode) gave it; null when built from a message alone.</summary>
    public Decision? Decision { get; }

    /// <summary>The intent that was denied; null when built from a message alone.</summary>
    public Intent? Intent { get; }

    /// <summary>
    /// Why: a machine-readable code from <see cref="DecisionReasons"/>, for example <c>pool_exhausted</c>.
    /// </summary>
    public string? Reason => Decision?.Reason;

    /// <summary>How long until asking again may succeed; null when no retry time is known.</summary>
    public TimeSpan? RetryAfter => Decision?.RetryAfter;

    /// <summary>
    /// True when the daemon could not be reached and the SDK, failing closed, denied the call itself.
    /// </summary>
    public bool IsDaemonUnreachable => Reason == DecisionReasons.DaemonUnreachable;

    private static string Describe(Decision decision, Intent? intent)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var retry = decision.RetryAfter is { } after
            ? string.Create(CultureInfo.InvariantCulture, $" Retry after {after.TotalSeconds:0.###} s.")
            : " No retry time is known.";
        var who = intent is null
            ? string.Empty
            : $" (agent '{intent.AgentId}', identity '{intent.IdentityId}', workload '{intent.WorkloadId}')";

        if (decision.Reason == DecisionReasons.DaemonUnreachable)
        {
            return $"Ratelord could not be asked about the call{who}: the daemon did not answer, and the SDK fails "
                + "closed so that no call goes out unchecked. Start the daemon (dotnet run --project "
                + "src/Ratelord.Host), check RatelordClientOptions.BaseAddress, or set FailureMode to FailOpen to let "
                + "calls through while it is away." + retry;
        }

        return $"Ratelord denied the call{who} with reason '{decision.Reason ?? "unspecified"}'"
            + (string.IsNullOrEmpty(decision.RiskSummary) ? "." : $": {decision.RiskSummary}.") + retry;
    }
}
