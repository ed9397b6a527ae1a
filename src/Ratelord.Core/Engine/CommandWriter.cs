using System.Threading.Channels;
using Ratelord.Core.Commands;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;
using Ratelord.Core.Stores;

namespace Ratelord.Core.Engine;

/// <summary>
/// The single writer. Commands queue here; the writer takes as many as are waiting, decides them in
/// order against the projections, appends all their events in one transaction (group commit) and
/// only then answers each command. A failed commit rebuilds the projections from the log, so
/// nothing that was not committed is ever visible or answered.
/// </summary>
public sealed class CommandWriter : ICommandExecutor, IAsyncDisposable
{
    /// <summary>The most commands decided and committed together.</summary>
    public const int MaxBatch = 256;

    private readonly Channel<PendingCommand> _queue = Channel.CreateUnbounded<PendingCommand>(
        new UnboundedChannelOptions { SingleReader = true });

    // Guards the projections: held by the writer from decision to commit, and by readers while they
    // copy what they need, so a reader never sees an event that is not yet durable.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IEventStore _store;
    private readonly RatelordEngine _engine;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private long _batches;
    private long _batchedCommands;
    private int _disposed;

    public CommandWriter(IEventStore store, RatelordEngine engine, TimeProvider time, EventFeed feed)
    {
        _store = store;
        _engine = engine;
        _time = time;
        Feed = feed;
    }

    public EventFeed Feed { get; }

    public IEventStore Store => _store;

    /// <summary>Committed batches and the commands they held, for the mean batch size.</summary>
    public (long Batches, long Commands) BatchStatistics =>
        (Interlocked.Read(ref _batches), Interlocked.Read(ref _batchedCommands));

    /// <summary>Replays the whole log into fresh projections, then starts taking commands.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RebuildAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        Feed.Start(_engine.State.Position);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    public async ValueTask<TResult> ExecuteAsync<TResult>(
        RatelordCommand<TResult> command,
        CancellationToken cancellationToken)
    {
        var pending = new PendingCommand(command);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The writer is stopped; no command is taken.");
        }

        var result = await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

        return (TResult)result!;
    }

    /// <summary>Runs <paramref name="read"/> against committed projections only.</summary>
    public async ValueTask<T> ReadAsync<T>(Func<RatelordState, T> read, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return read(_engine.State);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The options the engine decides with.</summary>
    public RatelordOptions Options => _engine.Options;

    /// <summary>Takes new options for the next command, between two batches.</summary>
    public async ValueTask ReconfigureAsync(RatelordOptions options, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _engine.Reconfigure(options);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stops taking commands, lets the writer finish what it took, and stops. Safe to call more than
    /// once: the host stops the writer before closing the store, and the container disposes it again.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        // The gate is left undisposed: a reader may still be waiting on it, and a semaphore whose
        // wait handle was never asked for holds nothing to release.
        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingCommand>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await DecideAndCommitAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private async Task DecideAndCommitAsync(List<PendingCommand> batch, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var events = new List<EventEnvelope>();
        var decided = new List<(PendingCommand Command, object? Result)>(batch.Count);

        // Approvals that lapsed are released before anything else is decided at this instant.
        if (_engine.State.Intents.NextExpiry() <= now)
        {
            events.AddRange(_engine.Execute(new ExpireApprovals(), now).Events);
        }

        foreach (var pending in batch)
        {
            try
            {
                var (result, produced) = _engine.Execute(pending.Command, now);
                events.AddRange(produced);
                decided.Add((pending, result));
            }
            catch (Exception exception)
            {
                // Nothing was applied: a decider throws before its events reach the projections, and
                // one command's failure never takes the others of its batch down with it.
                pending.Completion.TrySetException(exception);
            }
        }

        if (events.Count == 0)
        {
            Complete(decided);

            return;
        }

        IReadOnlyList<EventEnvelope> committed;
        try
        {
            committed = await _store.AppendAsync(events, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await RebuildAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (pending, _) in decided)
            {
                pending.Completion.TrySetException(
                    new InvalidOperationException("The event log could not be written; nothing was recorded.", exception));
            }

            return;
        }

        _engine.State.Committed(committed[^1].Position);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _batchedCommands, batch.Count);
        Feed.Publish(committed);
        Complete(decided);
    }

    private static void Complete(List<(PendingCommand Command, object? Result)> decided)
    {
        foreach (var (pending, result) in decided)
        {
            pending.Completion.TrySetResult(result);
        }
    }

    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var log = new List<EventEnvelope>();
        await foreach (var envelope in _store.ReadAsync(0, null, cancellationToken).ConfigureAwait(false))
        {
            log.Add(envelope);
        }

        _engine.Rebuild(log);
    }

    private sealed class PendingCommand(RatelordCommand command)
    {
        public RatelordCommand Command { get; } = command;

        public TaskCompletionSource<object?> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
