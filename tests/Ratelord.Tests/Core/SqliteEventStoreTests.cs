using Microsoft.Data.Sqlite;
using Ratelord.Core.Events;
using Ratelord.Stores.Sqlite;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Core;

/// <summary>What only the SQLite log promises: the file refuses changes, and survives being reopened.</summary>
public sealed class SqliteEventStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DbPath => _directory.File("events.db");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("UPDATE events SET type = 'forged' WHERE position = 1;", "events cannot be updated")]
    [InlineData("UPDATE events SET payload = '{}';", "events cannot be updated")]
    [InlineData("DELETE FROM events WHERE position = 1;", "events cannot be deleted")]
    [InlineData("DELETE FROM events;", "events cannot be deleted")]
    public async Task RawSql_ThatChangesTheLog_IsRefusedByTheTrigger(string sql, string message)
    {
        await using (var store = await OpenAsync())
        {
            await store.AppendAsync([Started("a"), Started("b")], Cancellation);
        }

        await using (var connection = RawConnection())
        {
            await connection.OpenAsync(Cancellation);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;

            var refused = await Assert.ThrowsAsync<SqliteException>(
                () => command.ExecuteNonQueryAsync(Cancellation));

            Assert.Contains("the event log is append-only", refused.Message, StringComparison.Ordinal);
            Assert.Contains(message, refused.Message, StringComparison.Ordinal);
        }

        await using var reopened = await OpenAsync();
        var events = await ReadAllAsync(reopened);
        Assert.Equal(["system_started", "system_started"], events.Select(e => e.Type));
        Assert.Equal(["a", "b"], events.Select(e => ((SystemStarted)e.Payload).Version));
    }

    [Fact]
    public async Task Reopen_ContinuesPositionsAfterTheLastCommittedEvent()
    {
        await using (var store = await OpenAsync())
        {
            await store.AppendAsync([Started("a"), Started("b"), Started("c")], Cancellation);
        }

        await using var reopened = await OpenAsync();

        Assert.Equal(3, await reopened.LastPositionAsync(Cancellation));
        var appended = await reopened.AppendAsync([Started("d")], Cancellation);
        Assert.Equal(4, appended.Single().Position);
        Assert.Equal([1L, 2L, 3L, 4L], (await ReadAllAsync(reopened)).Select(e => e.Position));
    }

    [Fact]
    public async Task Append_ThatTheDatabaseRefusesPartWay_CommitsNothing()
    {
        await using var store = await OpenAsync();
        var first = Started("a");
        await store.AppendAsync([first], Cancellation);

        // The second event repeats an id already in the log, so its INSERT fails after the first one ran.
        await Assert.ThrowsAsync<SqliteException>(async () =>
            await store.AppendAsync([Started("b"), Started("c") with { EventId = first.EventId }], Cancellation));

        Assert.Equal(1, await store.LastPositionAsync(Cancellation));
        Assert.Equal(["a"], (await ReadAllAsync(store)).Select(e => ((SystemStarted)e.Payload).Version));
        var next = await store.AppendAsync([Started("d")], Cancellation);
        Assert.Equal(2, next.Single().Position);
        await store.DisposeAsync();
        await using var reopened = await OpenAsync();
        Assert.Equal(["a", "d"], (await ReadAllAsync(reopened)).Select(e => ((SystemStarted)e.Payload).Version));
    }

    [Fact]
    public async Task Open_OfAFileThatIsNotADatabase_FailsNamingThePath()
    {
        await File.WriteAllTextAsync(
            DbPath, "this is not a SQLite database, just text long enough to fill its header", Cancellation);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(OpenAsync);

        Assert.Contains(DbPath, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_OfAFileAnotherStoreHasOpen_IsRefused_UntilThatStoreCloses()
    {
        var first = await OpenAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(OpenAsync);
        Assert.Contains("in use by another Ratelord daemon", refused.Message, StringComparison.Ordinal);
        Assert.Contains(DbPath, refused.Message, StringComparison.Ordinal);

        await first.DisposeAsync();
        await using var second = await OpenAsync();
        Assert.Equal(DbPath, second.Path);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private Task<SqliteEventStore> OpenAsync() => SqliteEventStore.OpenAsync(DbPath, cancellationToken: Cancellation);

    private SqliteConnection RawConnection() =>
        new(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());

    private static async Task<List<EventEnvelope>> ReadAllAsync(SqliteEventStore store)
    {
        var events = new List<EventEnvelope>();
        await foreach (var envelope in store.ReadAsync(0, null, Cancellation))
        {
            events.Add(envelope);
        }

        return events;
    }

    private static EventEnvelope Started(string version) =>
        new(Guid.CreateVersion7(), 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, EventDimensions.System,
            Guid.NewGuid(), null, null, null, new SystemStarted(version, "test"));
}
