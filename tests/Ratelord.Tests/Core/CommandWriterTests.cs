using Microsoft.Extensions.Time.Testing;
using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Stores;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Core;

/// <summary>
/// The single writer: commands waiting together are committed together, nothing is answered before
/// it is durable, and a commit that fails leaves no trace in the answers or the projections.
/// </summary>
public sealed class CommandWriterTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(EngineHarness.Epoch);
    private readonly ControlledStore _store = new();
    private CommandWriter _writer = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _writer = new CommandWriter(_store, new RatelordEngine(new RatelordOptions()), _time, new EventFeed());
        await _writer.StartAsync(Cancellation);
        await _writer.ExecuteAsync(Register("pat:a"), Cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        _store.Open();
        await _writer.DisposeAsync();
    }

    [Fact]
    public async Task CommandsThatWaitWhileACommitRuns_AreCommittedTogetherInTheNextBatch()
    {
        var before = _writer.BatchStatistics;
        _store.Hold();
        var first = Submit("agent-first");
        await _store.AppendStarted.WaitAsync(Cancellation);

        var waiting = Enumerable.Range(0, 50).Select(i => Submit($"agent-{i}")).ToList();
        var unknownOutcome = _writer.ExecuteAsync(
            new ReportOutcome(Guid.NewGuid(), SettlementOutcomes.Completed, null, null, "auto"), Cancellation).AsTask();
        Assert.False(first.IsCompleted, "An intent is not answered before its events are committed.");
        _store.Open();
        var answers = await Task.WhenAll(waiting);
        await first;

        var rejected = await Assert.ThrowsAsync<CommandRejectedException>(() => unknownOutcome);
        Assert.Equal("intent_not_found", rejected.Code);
        var after = _writer.BatchStatistics;
        Assert.Equal(2, after.Batches - before.Batches);
        Assert.Equal(52, after.Commands - before.Commands);
        var decided = (await ReadLogAsync()).Select(e => e.Payload).OfType<IntentDecided>()
            .Select(d => d.IntentId).ToHashSet();
        Assert.All(answers, a => Assert.Contains(a.IntentId, decided));
        await AssertGaplessAsync();
    }

    [Fact]
    public async Task FailedCommit_AnswersNoCommand_AndLeavesTheProjectionsAsTheLogHasThem()
    {
        var before = await _writer.ReadAsync(ProjectionSnapshot.Of, Cancellation);
        var logBefore = _store.Count;

        _store.FailNext();
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => Submit("agent-unlucky"));
        var afterFailure = await _writer.ReadAsync(ProjectionSnapshot.Of, Cancellation);
        var next = await Submit("agent-next");

        Assert.Contains("nothing was recorded", failed.Message, StringComparison.Ordinal);
        Assert.Equal(before, afterFailure);
        Assert.Equal(logBefore + 2, _store.Count);
        Assert.Equal(next.IntentId, Assert.IsType<IntentDecided>((await ReadLogAsync())[^1].Payload).IntentId);
        await AssertGaplessAsync();
    }

    [Fact]
    public async Task ExecuteAsync_AfterDispose_IsRefused()
    {
        await _writer.DisposeAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Submit("agent-late"));
    }

    private Task<IntentDecisionResult> Submit(string agent) =>
        _writer.ExecuteAsync(
            new SubmitIntent(
                agent, "pat:a", "default", Sentinels.GlobalScope, Urgency.High, null, null, null, null, false),
            Cancellation).AsTask();

    private static RegisterIdentity Register(string identityId) =>
        new(identityId, "pat", "github", [], new Dictionary<string, string>());

    private async Task AssertGaplessAsync() =>
        Assert.Equal(
            Enumerable.Range(1, _store.Count).Select(p => (long)p),
            (await ReadLogAsync()).Select(e => e.Position));

    private async Task<List<EventEnvelope>> ReadLogAsync()
    {
        var events = new List<EventEnvelope>();
        await foreach (var envelope in _store.ReadAsync(0, null, Cancellation))
        {
            events.Add(envelope);
        }

        return events;
    }

    /// <summary>An in-memory log whose next append can be held open or made to fail.</summary>
    private sealed class ControlledStore : IEventStore
    {
        private readonly InMemoryEventStore _inner = new();
        private TaskCompletionSource _gate = Opened();
        private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _failNext;

        public string Kind => "controlled";

        public int Count => (int)_inner.LastPositionAsync().AsTask().Result;

        /// <summary>Completes once an append is waiting on the gate.</summary>
        public Task AppendStarted => _started.Task;

        public void Hold()
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Open() => _gate.TrySetResult();

        public void FailNext() => _failNext = true;

        public async ValueTask<IReadOnlyList<EventEnvelope>> AppendAsync(
            IReadOnlyList<EventEnvelope> events,
            CancellationToken cancellationToken = default)
        {
            _started.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
            if (_failNext)
            {
                _failNext = false;

                throw new IOException("disk full");
            }

            return await _inner.AppendAsync(events, cancellationToken);
        }

        public IAsyncEnumerable<EventEnvelope> ReadAsync(
            long afterPosition = 0,
            int? limit = null,
            CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(afterPosition, limit, cancellationToken);

        public ValueTask<long> LastPositionAsync(CancellationToken cancellationToken = default) =>
            _inner.LastPositionAsync(cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();

        private static TaskCompletionSource Opened()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gate.SetResult();

            return gate;
        }
    }
}
