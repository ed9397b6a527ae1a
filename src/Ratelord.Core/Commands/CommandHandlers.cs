using Mediator;
using Ratelord.Core.Projections;

namespace Ratelord.Core.Commands;

/// <summary>
/// Handlers for every command: each passes its command to the executor, which decides it in log
/// order. Validation runs before, in <see cref="ValidationBehavior{TMessage, TResponse}"/>.
/// </summary>
public sealed class CommandHandlers(ICommandExecutor executor) :
    ICommandHandler<SubmitIntent, IntentDecisionResult>,
    ICommandHandler<ReportOutcome, OutcomeResult>,
    ICommandHandler<RecordObservation, ObservationResult>,
    ICommandHandler<RegisterIdentity, IdentityRecord>,
    ICommandHandler<DeleteIdentity, bool>,
    ICommandHandler<ExpireApprovals, int>,
    ICommandHandler<StartSystem, long>,
    ICommandHandler<ConfigureProvider, bool>,
    ICommandHandler<RecordProviderPoll, ProviderPollResult>
{
    public ValueTask<IntentDecisionResult> Handle(SubmitIntent command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);

    public ValueTask<OutcomeResult> Handle(ReportOutcome command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);

    public ValueTask<ObservationResult> Handle(RecordObservation command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);

    public ValueTask<IdentityRecord> Handle(RegisterIdentity command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);

    public ValueTask<bool> Handle(DeleteIdentity command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);

    public ValueTask<int> Handle(ExpireApprovals command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);

    public ValueTask<long> Handle(StartSystem command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);

    public ValueTask<bool> Handle(ConfigureProvider command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);

    public ValueTask<ProviderPollResult> Handle(RecordProviderPoll command, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(command, cancellationToken);
}
