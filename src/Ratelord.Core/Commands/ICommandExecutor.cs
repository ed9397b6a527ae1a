namespace Ratelord.Core.Commands;

/// <summary>
/// Where commands go to be decided and made durable: the daemon's single writer with its event
/// store, or the same engine in memory for embedded use.
/// </summary>
public interface ICommandExecutor
{
    /// <summary>Decides the command and answers once its events are committed.</summary>
    ValueTask<TResult> ExecuteAsync<TResult>(RatelordCommand<TResult> command, CancellationToken cancellationToken);
}
