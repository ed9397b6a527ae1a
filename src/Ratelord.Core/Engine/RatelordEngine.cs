using Ratelord.Core.Commands;
using Ratelord.Core.Deciders;
using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;

namespace Ratelord.Core.Engine;

/// <summary>
/// Decides commands against the projections and evolves them by the resulting events. It holds
/// no clock and no store: the caller gives the instant and persists the events, so the same
/// sequence of commands and instants always yields the same events.
/// </summary>
/// <remarks>Not thread-safe: one writer drives it; readers synchronise with that writer.</remarks>
public sealed class RatelordEngine
{
    private readonly Func<Guid> _newId;

    public RatelordEngine(RatelordOptions options, Func<Guid>? newId = null)
    {
        Options = options;
        _newId = newId ?? Guid.CreateVersion7;
    }

    public RatelordState State { get; private set; } = new();

    public RatelordOptions Options { get; private set; }

    /// <summary>Takes new options (a reloaded policy) for the next command.</summary>
    public void Reconfigure(RatelordOptions options) => Options = options;

    /// <summary>Drops every projection and rebuilds them from the given log.</summary>
    public void Rebuild(IEnumerable<EventEnvelope> log)
    {
        var state = new RatelordState();
        foreach (var envelope in log)
        {
            state.Apply(envelope);
        }

        State = state;
    }

    /// <summary>
    /// Decides one command at <paramref name="now"/> and applies its events. A rejected command
    /// throws <see cref="CommandRejectedException"/> and changes nothing.
    /// </summary>
    public (object? Result, IReadOnlyList<EventEnvelope> Events) Execute(RatelordCommand command, DateTimeOffset now)
    {
        var emit = new Emitter(now, _newId);
        object? result = command switch
        {
            SubmitIntent c => IntentDecider.Decide(c, State, Options, emit),
            ReportOutcome c => IntentDecider.Decide(c, State, Options, emit),
            ExpireApprovals c => IntentDecider.Decide(c, State, emit),
            RecordObservation c => PoolDecider.Decide(c, State, emit),
            RegisterIdentity c => IdentityDecider.Decide(c, State, emit),
            DeleteIdentity c => IdentityDecider.Decide(c, State, emit),
            StartSystem c => IdentityDecider.Decide(c, emit),
            ConfigureProvider c => ProviderDecider.Decide(c, emit),
            RecordProviderPoll c => ProviderDecider.Decide(c, State, emit),
            ApplyPolicy c => PolicyDecider.Decide(c, emit),
            RejectPolicy c => PolicyDecider.Decide(c, Options, emit),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command."),
        };

        if (command is ApplyPolicy apply)
        {
            // The policy is part of the decision context, not of the projections: it takes effect for
            // the next command the writer decides, in log order.
            Options = Options with
            {
                Policy = apply.Policy,
                Workloads = apply.Policy.Workloads,
                PolicyVersion = apply.Policy.Version,
            };
        }

        var decided = emit.Events.Count;
        foreach (var envelope in emit.Events)
        {
            State.Apply(envelope);
        }

        // A throttle that no pool explains is evidence of a hidden limit, whichever door it came in by.
        if (ProviderDecider.DecideLearnedLimits([.. emit.Events], State, emit) > 0)
        {
            for (var i = decided; i < emit.Events.Count; i++)
            {
                State.Apply(emit.Events[i]);
            }

            decided = emit.Events.Count;
        }

        var touched = TouchedPools(emit.Events);
        if (touched.Count > 0)
        {
            // Drift first, from the readings just applied; then forecasts, which the drift widens.
            PoolDecider.DecideDrift([.. emit.Events], State, emit);
            PoolDecider.DecideForecasts(touched, State, Options, emit);
            for (var i = decided; i < emit.Events.Count; i++)
            {
                State.Apply(emit.Events[i]);
            }
        }

        return (result, emit.Events);
    }

    private static List<PoolKey> TouchedPools(IReadOnlyList<EventEnvelope> events)
    {
        var touched = new List<PoolKey>();
        foreach (var envelope in events)
        {
            switch (envelope.Payload)
            {
                case ProviderObserved observed:
                    touched.AddRange(PoolDecider.KeysOf(observed));
                    break;
                case IntentSettled settled:
                    touched.AddRange(settled.Charges.Select(c => c.Pool));
                    break;
            }
        }

        return touched;
    }
}
