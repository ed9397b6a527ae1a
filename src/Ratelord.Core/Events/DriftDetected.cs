using Ratelord.Core.Domain;

namespace Ratelord.Core.Events;

/// <summary>
/// A provider reading showed less remaining than Ratelord's own accounting explains: the previous
/// reading, less the charges of intents settled since, less what approved intents held (they may have
/// been spent in flight). The difference is attributed to a consumer outside Ratelord, and widens the
/// pool's forecast for as long as such readings keep coming.
/// </summary>
/// <param name="Pool">The pool read.</param>
/// <param name="Amount">Units the accounting cannot explain, beyond what was in flight.</param>
/// <param name="ExpectedRemaining">What the accounting expected the reading to show.</param>
/// <param name="ObservedRemaining">What the reading showed.</param>
/// <param name="InFlight">Units approved intents held, allowed for as possibly spent already.</param>
/// <param name="AttributedTo">Who is taken to have consumed it: <see cref="OutsideConsumer"/>.</param>
/// <param name="Occurrences">How many readings of this pool have shown drift, this one included.</param>
public sealed record DriftDetected(
    PoolKey Pool,
    double Amount,
    double ExpectedRemaining,
    double ObservedRemaining,
    double InFlight,
    string AttributedTo,
    long Occurrences) : RatelordEvent
{
    public const string Name = "drift_detected";

    /// <summary>Attribution of drift to whoever else draws on the provider's counter.</summary>
    public const string OutsideConsumer = "outside_consumer";
}
