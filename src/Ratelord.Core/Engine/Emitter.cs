using Ratelord.Core.Events;

namespace Ratelord.Core.Engine;

/// <summary>
/// Collects the events one command decides, stamping each with an id, the ingest time and the
/// command's correlation id. Positions are assigned by the store when the batch is appended.
/// </summary>
public sealed class Emitter
{
    private readonly List<EventEnvelope> _events = [];
    private readonly Func<Guid> _newId;

    public Emitter(DateTimeOffset now, Func<Guid> newId, Guid? correlationId = null)
    {
        Now = now;
        _newId = newId;
        CorrelationId = correlationId ?? newId();
    }

    /// <summary>The instant the command is decided at, from the writer's clock.</summary>
    public DateTimeOffset Now { get; }

    public Guid CorrelationId { get; }

    public IReadOnlyList<EventEnvelope> Events => _events;

    public Guid NewId() => _newId();

    public EventEnvelope Emit(
        RatelordEvent payload,
        EventDimensions dimensions,
        DateTimeOffset? eventTime = null,
        Guid? causationId = null,
        string? provider = null,
        string? pool = null)
    {
        var envelope = new EventEnvelope(
            _newId(),
            0,
            eventTime ?? Now,
            Now,
            dimensions,
            CorrelationId,
            causationId,
            provider,
            pool,
            payload);
        _events.Add(envelope);

        return envelope;
    }
}
