using Ratelord.Core.Domain;

namespace Ratelord.Scenarios.Simulation;

/// <summary>
/// One call an agent wants to make: from the instant it wants it until a call it makes is served
/// (answered 2xx). Retries after a 429 or a 5xx belong to the same want.
/// </summary>
public sealed class Want(int id, string agentId, Urgency urgency, DateTimeOffset wantedAt, bool outside = false)
{
    public int Id { get; } = id;

    public string AgentId { get; } = agentId;

    public Urgency Urgency { get; } = urgency;

    public DateTimeOffset WantedAt { get; } = wantedAt;

    /// <summary>True for the outside consumer's calls, which no metric of the agents counts.</summary>
    public bool Outside { get; } = outside;

    /// <summary>The instant of the call that was served; null while the want is pending.</summary>
    public DateTimeOffset? ServedAt { get; set; }

    /// <summary>5xx answers in a row, for the backoff.</summary>
    public int ServerErrors { get; set; }

    /// <summary>Seconds from wanting to the served call, or to <paramref name="end"/> while pending.</summary>
    public double WaitSeconds(DateTimeOffset end) => ((ServedAt ?? end) - WantedAt).TotalSeconds;
}
