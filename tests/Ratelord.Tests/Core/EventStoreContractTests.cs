using System.Text.Json;
using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Stores;
using Ratelord.Stores.Sqlite;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Core;

/// <summary>
/// What every event store promises, run against each one: positions from 1 without gaps, pages by
/// position, a batch committed whole or not at all, and every payload read back exactly as written.
/// </summary>
public abstract class EventStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 9, 30, 15, 123, TimeSpan.Zero);

    protected IEventStore Store { get; private set; } = null!;

    protected abstract ValueTask<IEventStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public virtual async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task LastPosition_IsZero_ForAnEmptyLog()
    {
        Assert.Equal(0, await Store.LastPositionAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await ReadAsync());
    }

    [Fact]
    public async Task Append_AssignsGaplessPositionsFromOne_AcrossBatches()
    {
        var first = await Store.AppendAsync(
            [Started("a"), Started("b"), Started("c")], TestContext.Current.CancellationToken);
        var second = await Store.AppendAsync([Started("d"), Started("e")], TestContext.Current.CancellationToken);

        Assert.Equal([1L, 2L, 3L], first.Select(e => e.Position));
        Assert.Equal([4L, 5L], second.Select(e => e.Position));
        Assert.Equal(5, await Store.LastPositionAsync(TestContext.Current.CancellationToken));
        var read = await ReadAsync();
        Assert.Equal([1L, 2L, 3L, 4L, 5L], read.Select(e => e.Position));
        Assert.Equal(["a", "b", "c", "d", "e"], read.Select(e => ((SystemStarted)e.Payload).Version));
    }

    [Fact]
    public async Task Append_IgnoresThePositionsTheEventsCarry()
    {
        var appended = await Store.AppendAsync(
            [Started("a") with { Position = 42 }, Started("b") with { Position = 7 }],
            TestContext.Current.CancellationToken);

        Assert.Equal([1L, 2L], appended.Select(e => e.Position));
        Assert.Equal([1L, 2L], (await ReadAsync()).Select(e => e.Position));
    }

    [Fact]
    public async Task Append_OfAnEmptyBatch_RecordsNothing()
    {
        await Store.AppendAsync([Started("a")], TestContext.Current.CancellationToken);

        var appended = await Store.AppendAsync([], TestContext.Current.CancellationToken);

        Assert.Empty(appended);
        Assert.Equal(1, await Store.LastPositionAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Read_AfterAndLimit_ReturnThatPageInLogOrder()
    {
        await Store.AppendAsync(
            [.. Enumerable.Range(1, 10).Select(i => Started($"v{i}"))], TestContext.Current.CancellationToken);

        var page = await ReadAsync(after: 3, limit: 4);
        var tail = await ReadAsync(after: 8, limit: 100);
        var beyond = await ReadAsync(after: 10);
        var unlimited = await ReadAsync(after: 0);

        Assert.Equal([4L, 5L, 6L, 7L], page.Select(e => e.Position));
        Assert.Equal(["v4", "v5", "v6", "v7"], page.Select(e => ((SystemStarted)e.Payload).Version));
        Assert.Equal([9L, 10L], tail.Select(e => e.Position));
        Assert.Empty(beyond);
        Assert.Equal(10, unlimited.Count);
    }

    [Fact]
    public async Task Append_ThatFailsPartWay_LeavesNothing_AndTheNextBatchContinuesWithoutAGap()
    {
        await Store.AppendAsync([Started("before")], TestContext.Current.CancellationToken);

        // The third element cannot be stored; the two before it must not be committed either.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await Store.AppendAsync([Started("x"), Started("y"), null!], TestContext.Current.CancellationToken));

        Assert.Equal(1, await Store.LastPositionAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["before"], (await ReadAsync()).Select(e => ((SystemStarted)e.Payload).Version));

        var next = await Store.AppendAsync([Started("after")], TestContext.Current.CancellationToken);

        Assert.Equal(2, next.Single().Position);
        Assert.Equal([1L, 2L], (await ReadAsync()).Select(e => e.Position));
    }

    [Fact]
    public async Task Payloads_OfEveryEventType_ReadBackExactly()
    {
        // Hand-picked values that lose something when stored carelessly, then one generated sample of every
        // registered type with each member set, so a type added later is covered without touching this test.
        var written = EdgeCases()
            .Concat(EventTypes.Names.Order(StringComparer.Ordinal).Select((name, i) =>
                Envelope((RatelordEvent)SampleValues.Create(EventTypes.TypeOf(name)!, i * 10), EventDimensions.System)))
            .ToList();
        Assert.Equal(
            EventTypes.Names.Order(StringComparer.Ordinal),
            written.Select(e => e.Type).Distinct().Order(StringComparer.Ordinal));

        var appended = await Store.AppendAsync(written, TestContext.Current.CancellationToken);
        var read = await ReadAsync();

        Assert.Equal(written.Count, read.Count);
        for (var i = 0; i < written.Count; i++)
        {
            var expected = written[i] with { Position = i + 1 };
            var actual = read[i];
            Assert.Equal(expected.Position, appended[i].Position);
            Assert.Equal(expected.EventId, actual.EventId);
            Assert.Equal(expected.Position, actual.Position);
            Assert.Equal(expected.EventTime, actual.EventTime);
            Assert.Equal(expected.EventTime.Offset, actual.EventTime.Offset);
            Assert.Equal(expected.IngestTime, actual.IngestTime);
            Assert.Equal(expected.IngestTime.Offset, actual.IngestTime.Offset);
            Assert.Equal(expected.Dimensions, actual.Dimensions);
            Assert.Equal(expected.CorrelationId, actual.CorrelationId);
            Assert.Equal(expected.CausationId, actual.CausationId);
            Assert.Equal(expected.Provider, actual.Provider);
            Assert.Equal(expected.Pool, actual.Pool);
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.SchemaVersion, actual.SchemaVersion);
            Assert.IsType(expected.Payload.GetType(), actual.Payload);
            Assert.Equivalent(expected.Payload, actual.Payload, strict: true);
            Assert.Equal(
                EventSerializer.SerializePayload(expected.Payload),
                EventSerializer.SerializePayload(actual.Payload));
        }
    }

    protected async Task<List<EventEnvelope>> ReadAsync(long after = 0, int? limit = null)
    {
        var events = new List<EventEnvelope>();
        await foreach (var envelope in Store.ReadAsync(after, limit, TestContext.Current.CancellationToken))
        {
            events.Add(envelope);
        }

        return events;
    }

    protected static EventEnvelope Started(string version) =>
        Envelope(new SystemStarted(version, "test"), EventDimensions.System);

    private static EventEnvelope Envelope(
        RatelordEvent payload,
        EventDimensions dimensions,
        DateTimeOffset? eventTime = null,
        Guid? causation = null,
        string? provider = null,
        string? pool = null) =>
        new(
            Guid.CreateVersion7(),
            0,
            eventTime ?? At,
            At.AddMilliseconds(250),
            dimensions,
            Guid.NewGuid(),
            causation,
            provider,
            pool,
            payload);

    /// <summary>Events whose values lose something if stored carelessly: offsets, precision, unicode, nulls.</summary>
    private static List<EventEnvelope> EdgeCases()
    {
        var agent = new EventDimensions("crawler-01 ü", "pat:ci-bot", "repo_scan", "repo:acme/web");
        var intentId = Guid.CreateVersion7();
        var key = new PoolKey("github", "core", "shared:acme");
        using var document = JsonDocument.Parse(
            """{"ticket":"OPS-1","tags":["a","b"],"n":1.5,"nested":{"ok":true},"none":null}""");
        var context = document.RootElement.Clone();
        var forecast = new PoolForecast(
            "window-rate/1",
            At.AddSeconds(1.25),
            new BurnRate(0.1 + 0.2, 1e-9),
            new TimeToExhaustion(3600.5, null, 12.000001),
            59.9999999,
            0.333333333333333,
            -57.25,
            "measured",
            false,
            PoolStatus.Warn);

        return
        [
            Envelope(new SystemStarted("0.1.0-beta+abc", "sqlite"), EventDimensions.System),
            Envelope(
                new IdentityRegistered(
                    "pat:ci-bot",
                    "pat",
                    "github",
                    [new SharedPool("core", "shared:acme"), new SharedPool("search", "shared:other")],
                    new Dictionary<string, string> { ["Team"] = "Core", ["note"] = "emoji 🚦 and \"quotes\"" }),
                EventDimensions.System with { IdentityId = "pat:ci-bot" },
                provider: "github"),
            Envelope(new IdentityDeleted("pat:old"), EventDimensions.System with { IdentityId = "pat:old" }),
            Envelope(
                new ProviderObserved(
                    "github",
                    "pat:ci-bot",
                    "github",
                    429,
                    true,
                    12.5,
                    60,
                    [
                        new PoolObservation("core", "shared:acme", 5000, 0, 5000, 1799.5, null),
                        new PoolObservation("search", "pat:ci-bot", null, null, null, null, 60),
                    ],
                    intentId),
                agent,
                eventTime: new DateTimeOffset(2026, 3, 1, 11, 30, 15, TimeSpan.FromHours(2)),
                provider: "github"),
            Envelope(new IntentSubmitted(intentId, Urgency.Background, 2.75, 30, 0, context), agent),
            Envelope(new IntentSubmitted(Guid.CreateVersion7(), Urgency.High, null, null, null, null), agent),
            Envelope(
                new IntentDecided(
                    intentId,
                    Verdict.ApproveWithModifications,
                    41.123456789,
                    At.AddMinutes(5),
                    "pat:spare",
                    ReasonCodes.PoolExhausted,
                    null,
                    At.AddMinutes(6),
                    [
                        new Reservation(key, 2.75, At.AddSeconds(41.123456789), true),
                        new Reservation(new PoolKey("openai", "tokens", "key:o"), 1, At, false),
                    ],
                    key.ToString(),
                    "github/core@shared:acme: 0 of 5000 left",
                    "sha256:0123456789abcdef",
                    ["global/capacity", "scope/repo:acme"]),
                agent,
                causation: Guid.NewGuid()),
            Envelope(
                new IntentDecided(
                    Guid.CreateVersion7(),
                    Verdict.DenyWithReason,
                    null,
                    null,
                    null,
                    ReasonCodes.WaitTooLong,
                    30.5,
                    null,
                    [],
                    null,
                    "no pool",
                    "builtin",
                    []),
                agent),
            Envelope(
                new IntentSettled(intentId, SettlementOutcomes.Completed, 3.5, 201, [new PoolCharge(key, 3.5)]),
                agent),
            Envelope(new IntentSettled(Guid.CreateVersion7(), SettlementOutcomes.Expired, null, null, []), agent),
            Envelope(new ForecastComputed(key, forecast), EventDimensions.System, provider: "github", pool: "core"),
            Envelope(new PolicyTriggered(intentId, "policy:night", "rule-1", "shape"), agent),
        ];
    }
}

public sealed class InMemoryEventStoreContractTests : EventStoreContractTests
{
    protected override ValueTask<IEventStore> CreateStoreAsync() =>
        ValueTask.FromResult<IEventStore>(new InMemoryEventStore());
}

public sealed class SqliteEventStoreContractTests : EventStoreContractTests
{
    private readonly TempDirectory _directory = new();

    protected override async ValueTask<IEventStore> CreateStoreAsync() =>
        await SqliteEventStore.OpenAsync(
            _directory.File("events.db"), cancellationToken: TestContext.Current.CancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
