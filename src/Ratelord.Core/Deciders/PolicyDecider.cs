using Ratelord.Core.Commands;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;

namespace Ratelord.Core.Deciders;

/// <summary>Decides policy changes: what the log records when a policy takes effect or is refused.</summary>
public static class PolicyDecider
{
    public static string Decide(ApplyPolicy command, Emitter emit)
    {
        var policy = command.Policy;
        emit.Emit(
            new PolicyUpdated(
                policy.Version,
                policy.Source,
                policy.Policies.Count,
                policy.RuleCount,
                policy.Workloads.Workloads.Count),
            EventDimensions.System);

        return policy.Version;
    }

    public static string Decide(RejectPolicy command, RatelordOptions options, Emitter emit)
    {
        emit.Emit(
            new PolicyRejected(command.Source, command.AttemptedVersion, options.PolicyVersion, command.Errors),
            EventDimensions.System);

        return options.PolicyVersion;
    }
}
