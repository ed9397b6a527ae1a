using System.Globalization;

namespace Ratelord.Samples.SampleAgent;

/// <summary>What a run of the sample agents did.</summary>
/// <param name="Calls">Calls made to the provider.</param>
/// <param name="Ok">Calls the provider answered with 2xx.</param>
/// <param name="Throttled">Calls the provider answered with 429: each one a limit the daemon failed to keep.</param>
/// <param name="DeniedThenRetried">Denies the agents waited out and asked again after.</param>
/// <param name="Elapsed">How long the run took.</param>
public sealed record SampleAgentResult(long Calls, long Ok, long Throttled, long DeniedThenRetried, TimeSpan Elapsed)
{
    /// <summary>The one-line summary: <c>calls=N ok=N throttled=N denied_then_retried=N elapsed_s=N</c>.</summary>
    public string ToSummaryLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"calls={Calls} ok={Ok} throttled={Throttled} denied_then_retried={DeniedThenRetried} "
        + $"elapsed_s={Elapsed.TotalSeconds:0.###}");
}
