namespace Ratelord.Scenarios.Simulation;

/// <summary>One call as the provider saw it.</summary>
public readonly record struct CallRecord(DateTimeOffset At, string AgentId, bool Outside, int Status);

/// <summary>Every call the provider answered, in the order it answered them.</summary>
public sealed class CallLedger
{
    private readonly List<CallRecord> _calls = [];

    public IReadOnlyList<CallRecord> Calls => _calls;

    public void Record(DateTimeOffset at, Want want, int status) =>
        _calls.Add(new CallRecord(at, want.AgentId, want.Outside, status));
}
