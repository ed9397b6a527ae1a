using Mediator;
using Ratelord.Core.Policies;

namespace Ratelord.Core.Commands;

/// <summary>Puts a new policy in force for the next intent, recording <c>policy_updated</c>.</summary>
public sealed record ApplyPolicy(PolicySet Policy) : RatelordCommand<string>;

/// <summary>Records that a policy file was refused; the policy in force stays.</summary>
public sealed record RejectPolicy(string Source, string AttemptedVersion, IReadOnlyList<string> Errors)
    : RatelordCommand<string>;

/// <summary>Handlers of the policy commands: both go through the single writer, in log order with intents.</summary>
public sealed class PolicyCommandHandlers(ICommandExecutor executor) :
    ICommandHandler<ApplyPolicy, string>,
    ICommandHandler<RejectPolicy, string>
{
    public ValueTask<string> Handle(ApplyPolicy command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);

    public ValueTask<string> Handle(RejectPolicy command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);
}
