namespace Ratelord.Core.Events;

/// <summary>
/// One entry of the append-only log: a domain event with everything needed to place it in time,
/// attribute it and trace what caused it.
/// </summary>
/// <param name="EventId">Unique id of the event.</param>
/// <param name="Position">Global position in the log, assigned by the store on append; 0 before.</param>
/// <param name="EventTime">When the fact happened (for an observation, the provider's <c>Date</c>).</param>
/// <param name="IngestTime">When the daemon recorded it, from its own clock.</param>
/// <param name="Dimensions">Agent, identity, workload and scope.</param>
/// <param name="CorrelationId">Shared by every event of one conversation (an intent and its outcome).</param>
/// <param name="CausationId">The event that directly caused this one, if any.</param>
/// <param name="Provider">The provider the event concerns, where it applies.</param>
/// <param name="Pool">The pool the event concerns, where exactly one applies.</param>
/// <param name="Payload">The domain event.</param>
public sealed record EventEnvelope(
    Guid EventId,
    long Position,
    DateTimeOffset EventTime,
    DateTimeOffset IngestTime,
    EventDimensions Dimensions,
    Guid CorrelationId,
    Guid? CausationId,
    string? Provider,
    string? Pool,
    RatelordEvent Payload)
{
    /// <summary>The event's type name as stored and served (<c>intent_decided</c>, ...).</summary>
    public string Type => EventTypes.NameOf(Payload);

    /// <summary>Version of the payload's schema, so old events can be upcast when it changes.</summary>
    public int SchemaVersion => EventTypes.SchemaVersionOf(Payload);
}
