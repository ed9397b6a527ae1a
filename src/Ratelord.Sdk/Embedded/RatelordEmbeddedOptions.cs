using Ratelord.Core.Engine;
using Ratelord.Core.Policies;
using Ratelord.Core.Stores;

namespace Ratelord.Sdk.Embedded;

/// <summary>How an <see cref="EmbeddedRatelordClient"/> runs Ratelord in the process.</summary>
public sealed class RatelordEmbeddedOptions
{
    /// <summary>
    /// A policy file (YAML or JSON) to decide with, read once at start, as the daemon's <c>--policy</c>. Default
    /// none: the built-in policy. Set this or <see cref="Policy"/>, not both.
    /// </summary>
    public string? PolicyPath { get; set; }

    /// <summary>A policy already loaded, for example with <c>PolicyParser.Parse</c>. Default none.</summary>
    public PolicySet? Policy { get; set; }

    /// <summary>
    /// The engine's other settings (approval lifetime, deferral threshold, forecast model). Default: the daemon's
    /// defaults. Its policy is replaced by <see cref="Policy"/> or <see cref="PolicyPath"/> when one is set.
    /// </summary>
    public RatelordOptions? Engine { get; set; }

    /// <summary>
    /// The clock every decision is made at. Default: the container's <see cref="System.TimeProvider"/>, else the
    /// system clock. A test passes a fake one to decide at fixed times.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>How the log is opened at start; null for an in-memory log, lost when the process ends.</summary>
    internal Func<CancellationToken, Task<IEventStore>>? OpenEventStore { get; private set; }

    /// <summary>
    /// Keeps the log in another store, opened at start and disposed at stop, for example a SQLite file:
    /// <c>o.UseEventStore(ct =&gt; SqliteEventStore.OpenAsync("ratelord.db", cancellationToken: ct))</c>. The log is
    /// replayed at start, so decisions carry on from where the last run left them.
    /// </summary>
    /// <typeparam name="TStore">The store's type.</typeparam>
    /// <param name="open">Opens the store.</param>
    /// <returns>These options, for chaining.</returns>
    public RatelordEmbeddedOptions UseEventStore<TStore>(Func<CancellationToken, Task<TStore>> open)
        where TStore : IEventStore
    {
        ArgumentNullException.ThrowIfNull(open);
        OpenEventStore = async cancellationToken => await open(cancellationToken).ConfigureAwait(false);

        return this;
    }
}
