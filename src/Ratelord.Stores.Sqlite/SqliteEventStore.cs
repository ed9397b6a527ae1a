using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Ratelord.Core.Events;
using Ratelord.Core.Stores;

namespace Ratelord.Stores.Sqlite;

/// <summary>
/// The log in a SQLite file in WAL mode. Triggers refuse every UPDATE and DELETE of the events
/// table, so the file itself keeps the log append-only. One connection writes; reads open their
/// own, which WAL lets run beside the writer. One store writes a file at a time: a second one, in
/// this process or another, is refused while the first is open (see <see cref="OpenAsync"/>).
/// </summary>
public sealed class SqliteEventStore : IEventStore
{
    private const int SchemaVersion = 1;

    private const string Columns =
        "position, event_id, type, schema_version, event_time, ingest_time, agent_id, identity_id, " +
        "workload_id, scope_id, correlation_id, causation_id, provider, pool, payload";

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly FileStream _writerLock;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteCommand? _insert;
    private long _lastPosition;
    private int _disposed;

    private SqliteEventStore(
        string connectionString,
        SqliteConnection writer,
        FileStream writerLock,
        long lastPosition)
    {
        _connectionString = connectionString;
        _writer = writer;
        _writerLock = writerLock;
        _lastPosition = lastPosition;
    }

    /// <inheritdoc />
    public string Kind => "sqlite";

    /// <summary>The database file.</summary>
    public string Path { get; private init; } = "";

    /// <summary>
    /// Opens (or creates) the log at <paramref name="path"/>. <paramref name="synchronousFull"/>
    /// makes every commit durable against power loss; without it a commit survives a killed
    /// process but not a lost machine.
    /// </summary>
    /// <remarks>
    /// The store numbers events itself from the last position it read, so two writers on one file would hand out
    /// the same positions and the second would fail every append. The file <c>PATH.lock</c> beside the log is
    /// held exclusively while the store is open; the operating system releases it when the process ends, even by
    /// SIGKILL, so a crashed daemon never leaves the log locked.
    /// </remarks>
    /// <exception cref="InvalidOperationException">
    /// The file cannot be opened as a log, or another store (another daemon) has it open.
    /// </exception>
    public static async Task<SqliteEventStore> OpenAsync(
        string path,
        bool synchronousFull = true,
        CancellationToken cancellationToken = default)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var writerLock = LockForWriting(fullPath);
        var writer = new SqliteConnection(connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(writer, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                writer,
                $"PRAGMA synchronous={(synchronousFull ? "FULL" : "NORMAL")}; PRAGMA busy_timeout=30000;",
                cancellationToken).ConfigureAwait(false);
            await CreateSchemaAsync(writer, cancellationToken).ConfigureAwait(false);
            var last = await ScalarAsync(writer, "SELECT COALESCE(MAX(position), 0) FROM events;", cancellationToken)
                .ConfigureAwait(false);

            return new SqliteEventStore(connectionString, writer, writerLock, last) { Path = fullPath };
        }
        catch (SqliteException exception)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            await writerLock.DisposeAsync().ConfigureAwait(false);

            throw new InvalidOperationException(
                $"Cannot open the event log at '{fullPath}': {exception.Message} " +
                "Point RATELORD_DB_PATH (or --db) at a Ratelord database or at a new file.",
                exception);
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            await writerLock.DisposeAsync().ConfigureAwait(false);

            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<EventEnvelope>> AppendAsync(
        IReadOnlyList<EventEnvelope> events,
        CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return [];
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var positioned = new EventEnvelope[events.Count];
            using var transaction = _writer.BeginTransaction(IsolationLevel.Serializable);
            var insert = PrepareInsert(transaction);
            var position = _lastPosition;
            for (var i = 0; i < events.Count; i++)
            {
                var envelope = events[i] with { Position = ++position };
                Bind(insert, envelope);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                positioned[i] = envelope;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _lastPosition = position;

            return positioned;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<EventEnvelope> ReadAsync(
        long afterPosition = 0,
        int? limit = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {Columns} FROM events WHERE position > $after ORDER BY position LIMIT $limit;";
        command.Parameters.AddWithValue("$after", afterPosition);
        command.Parameters.AddWithValue("$limit", limit ?? -1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEnvelope(reader);
        }
    }

    /// <inheritdoc />
    public ValueTask<long> LastPositionAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Interlocked.Read(ref _lastPosition));

    /// <summary>Size of the database file and its write-ahead log, in bytes.</summary>
    public long SizeInBytes()
    {
        long size = 0;
        foreach (var suffix in new[] { "", "-wal" })
        {
            var file = new FileInfo(Path + suffix);
            if (file.Exists)
            {
                size += file.Length;
            }
        }

        return size;
    }

    /// <summary>Closes the writer's connection and clears the pool of read connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_insert is not null)
        {
            await _insert.DisposeAsync().ConfigureAwait(false);
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        _writeGate.Dispose();
        await _writerLock.DisposeAsync().ConfigureAwait(false);
    }

    private static FileStream LockForWriting(string fullPath)
    {
        var lockPath = fullPath + ".lock";
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix and a sharing lock on Windows.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new InvalidOperationException(
                $"The event log at '{fullPath}' is in use by another Ratelord daemon (it holds '{lockPath}'). "
                + "Stop that daemon, or point RATELORD_DB_PATH (or --db) at another file.",
                exception);
        }
    }

    private SqliteCommand PrepareInsert(SqliteTransaction transaction)
    {
        if (_insert is null)
        {
            _insert = _writer.CreateCommand();
            _insert.CommandText =
                $"INSERT INTO events ({Columns}) VALUES ($position, $event_id, $type, $schema_version, $event_time, " +
                "$ingest_time, $agent_id, $identity_id, $workload_id, $scope_id, $correlation_id, $causation_id, " +
                "$provider, $pool, $payload);";
            foreach (var name in Columns.Split(", "))
            {
                _insert.Parameters.Add(new SqliteParameter("$" + name, null));
            }
        }

        _insert.Transaction = transaction;

        return _insert;
    }

    private static void Bind(SqliteCommand insert, EventEnvelope envelope)
    {
        var p = insert.Parameters;
        p["$position"].Value = envelope.Position;
        p["$event_id"].Value = envelope.EventId.ToString();
        p["$type"].Value = envelope.Type;
        p["$schema_version"].Value = envelope.SchemaVersion;
        p["$event_time"].Value = envelope.EventTime.ToString("O", CultureInfo.InvariantCulture);
        p["$ingest_time"].Value = envelope.IngestTime.ToString("O", CultureInfo.InvariantCulture);
        p["$agent_id"].Value = envelope.Dimensions.AgentId;
        p["$identity_id"].Value = envelope.Dimensions.IdentityId;
        p["$workload_id"].Value = envelope.Dimensions.WorkloadId;
        p["$scope_id"].Value = envelope.Dimensions.ScopeId;
        p["$correlation_id"].Value = envelope.CorrelationId.ToString();
        p["$causation_id"].Value = (object?)envelope.CausationId?.ToString() ?? DBNull.Value;
        p["$provider"].Value = (object?)envelope.Provider ?? DBNull.Value;
        p["$pool"].Value = (object?)envelope.Pool ?? DBNull.Value;
        p["$payload"].Value = EventSerializer.SerializePayload(envelope.Payload);
    }

    private static EventEnvelope ReadEnvelope(SqliteDataReader reader)
    {
        var type = reader.GetString(2);

        return new EventEnvelope(
            Guid.Parse(reader.GetString(1)),
            reader.GetInt64(0),
            DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            new EventDimensions(reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9)),
            Guid.Parse(reader.GetString(10)),
            reader.IsDBNull(11) ? null : Guid.Parse(reader.GetString(11)),
            reader.IsDBNull(12) ? null : reader.GetString(12),
            reader.IsDBNull(13) ? null : reader.GetString(13),
            EventSerializer.DeserializePayload(type, reader.GetString(14)));
    }

    private static async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        const string Schema = """
            CREATE TABLE IF NOT EXISTS events (
                position       INTEGER PRIMARY KEY,
                event_id       TEXT    NOT NULL UNIQUE,
                type           TEXT    NOT NULL,
                schema_version INTEGER NOT NULL,
                event_time     TEXT    NOT NULL,
                ingest_time    TEXT    NOT NULL,
                agent_id       TEXT    NOT NULL,
                identity_id    TEXT    NOT NULL,
                workload_id    TEXT    NOT NULL,
                scope_id       TEXT    NOT NULL,
                correlation_id TEXT    NOT NULL,
                causation_id   TEXT,
                provider       TEXT,
                pool           TEXT,
                payload        TEXT    NOT NULL
            );
            CREATE INDEX IF NOT EXISTS events_by_correlation ON events (correlation_id);
            CREATE TRIGGER IF NOT EXISTS events_are_never_updated BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only: events cannot be updated'); END;
            CREATE TRIGGER IF NOT EXISTS events_are_never_deleted BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only: events cannot be deleted'); END;
            CREATE TABLE IF NOT EXISTS ratelord_schema (version INTEGER NOT NULL);
            """;
        await ExecuteAsync(connection, Schema, cancellationToken).ConfigureAwait(false);
        var version = await ScalarAsync(
                connection, "SELECT COALESCE(MAX(version), 0) FROM ratelord_schema;", cancellationToken)
            .ConfigureAwait(false);
        if (version == 0)
        {
            await ExecuteAsync(
                    connection, $"INSERT INTO ratelord_schema (version) VALUES ({SchemaVersion});", cancellationToken)
                .ConfigureAwait(false);
        }
        else if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The event log was written by a newer Ratelord (schema {version}); this one reads up to "
                + $"{SchemaVersion}.");
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> ScalarAsync(
        SqliteConnection connection,
        string sql,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;

        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);

        return Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }
}
