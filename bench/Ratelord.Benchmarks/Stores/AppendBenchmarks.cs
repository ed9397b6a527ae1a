using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Ratelord.Core.Events;
using Ratelord.Stores.Sqlite;

namespace Ratelord.Benchmarks.Stores;

/// <summary>The synchronous setting both databases commit with.</summary>
public enum Synchronous
{
    /// <summary>Every commit is flushed to disk: durable against power loss.</summary>
    Full,

    /// <summary>WAL commits are flushed at checkpoints only: durable against a killed process.</summary>
    Normal,
}

/// <summary>
/// What <see cref="SqliteEventStore.AppendAsync"/> costs for one group commit of decision events,
/// next to the floor: the same rows inserted by a prepared Microsoft.Data.Sqlite command in one
/// transaction, with every value already rendered to the text the store would write.
/// </summary>
/// <remarks>
/// <para>
/// Both databases are files in the temp folder with the store's own schema (its indexes and
/// triggers), in WAL mode, with the same synchronous setting. The difference between the two is
/// what the store adds: copying envelopes to assign positions, rendering ids and times, serializing
/// payloads to JSON, its write gate and the async path.
/// </para>
/// <para>
/// Event ids are unique in the log, so no batch can be appended twice. Each iteration therefore
/// prepares a fixed number of fresh batches (new event and correlation ids, the same payloads),
/// and each invocation appends the next one. Preparing, including the baseline's rendering, is
/// outside the measurement.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(BatchesPerIteration)]
public class AppendBenchmarks
{
    private const int BatchesPerIteration = 32;

    /// <summary>The store's columns, in its order; the two numbers are integers, the rest text.</summary>
    private static readonly string[] Columns =
    [
        "position", "event_id", "type", "schema_version", "event_time", "ingest_time", "agent_id", "identity_id",
        "workload_id", "scope_id", "correlation_id", "causation_id", "provider", "pool", "payload",
    ];

    private readonly List<IReadOnlyList<EventEnvelope>> _batches = new(BatchesPerIteration);
    private readonly List<Row[]> _rows = new(BatchesPerIteration);
    private List<EventEnvelope> _templates = [];
    private string _directory = "";
    private SqliteEventStore _store = null!;
    private SqliteConnection _raw = null!;
    private SqliteCommand _insert = null!;
    private long _rawPosition;
    private int _next;

    /// <summary>Events in one append: the writer's batch of intent_submitted and intent_decided pairs.</summary>
    [Params(1, 64, 256)]
    public int Events { get; set; }

    [Params(Synchronous.Full, Synchronous.Normal)]
    public Synchronous Sync { get; set; }

    [GlobalSetup]
    public void OpenDatabases() => OpenDatabasesAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void DeleteDatabases() => DeleteDatabasesAsync().GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(StoreAppend))]
    public void PrepareEnvelopes()
    {
        _next = 0;
        _batches.Clear();
        for (var i = 0; i < BatchesPerIteration; i++)
        {
            _batches.Add(Renewed(_templates));
        }
    }

    [IterationSetup(Target = nameof(RawInsert))]
    public void PrepareRows()
    {
        _next = 0;
        _rows.Clear();
        for (var i = 0; i < BatchesPerIteration; i++)
        {
            _rows.Add([.. Renewed(_templates).Select(Row.Of)]);
        }
    }

    [Benchmark(Baseline = true, Description = "Raw prepared INSERT, one transaction")]
    public long RawInsert()
    {
        var rows = _rows[_next++];
        using var transaction = _raw.BeginTransaction();
        _insert.Transaction = transaction;

        var p = _insert.Parameters;
        foreach (var row in rows)
        {
            p[0].Value = ++_rawPosition;
            p[1].Value = row.EventId;
            p[2].Value = row.Type;
            p[3].Value = row.SchemaVersion;
            p[4].Value = row.EventTime;
            p[5].Value = row.IngestTime;
            p[6].Value = row.AgentId;
            p[7].Value = row.IdentityId;
            p[8].Value = row.WorkloadId;
            p[9].Value = row.ScopeId;
            p[10].Value = row.CorrelationId;
            p[11].Value = row.CausationId;
            p[12].Value = row.Provider;
            p[13].Value = row.Pool;
            p[14].Value = row.Payload;
            _insert.ExecuteNonQuery();
        }

        transaction.Commit();

        return _rawPosition;
    }

    [Benchmark(Description = "SqliteEventStore.AppendAsync")]
    public ValueTask<IReadOnlyList<EventEnvelope>> StoreAppend() => _store.AppendAsync(_batches[_next++]);

    /// <summary>
    /// Copies of <paramref name="templates"/> with new event and correlation ids, causations
    /// following their events, as the engine would have emitted them for new intents.
    /// </summary>
    private static EventEnvelope[] Renewed(List<EventEnvelope> templates)
    {
        var ids = new Dictionary<Guid, Guid>();
        Guid Renew(Guid id) => ids.TryGetValue(id, out var renewed) ? renewed : ids[id] = Guid.CreateVersion7();

        return
        [
            .. templates.Select(e => e with
            {
                EventId = Renew(e.EventId),
                CorrelationId = Renew(e.CorrelationId),
                CausationId = e.CausationId is { } causation ? Renew(causation) : null,
            }),
        ];
    }

    private async Task OpenDatabasesAsync()
    {
        _templates = Scenario.DecisionEvents(Events);
        _directory = Path.Combine(Path.GetTempPath(), "ratelord-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var full = Sync == Synchronous.Full;

        _store = await SqliteEventStore.OpenAsync(Path.Combine(_directory, "store.db"), full);

        // The store creates the baseline's schema too, so both files carry the same indexes and triggers.
        var rawPath = Path.Combine(_directory, "raw.db");
        await (await SqliteEventStore.OpenAsync(rawPath, full)).DisposeAsync();

        _raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = rawPath }.ToString());
        await _raw.OpenAsync();
        using (var pragma = _raw.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(full ? "FULL" : "NORMAL")};";
            await pragma.ExecuteNonQueryAsync();
        }

        _insert = _raw.CreateCommand();
        _insert.CommandText =
            $"INSERT INTO events ({string.Join(", ", Columns)}) " +
            $"VALUES ({string.Join(", ", Columns.Select(c => "$" + c))});";
        foreach (var column in Columns)
        {
            var type = column is "position" or "schema_version" ? SqliteType.Integer : SqliteType.Text;
            _insert.Parameters.Add("$" + column, type);
        }

        _insert.Prepare();
    }

    private async Task DeleteDatabasesAsync()
    {
        await _insert.DisposeAsync();
        await _raw.DisposeAsync();
        SqliteConnection.ClearAllPools();
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>One event already rendered to the column values the store writes for it.</summary>
    private sealed record Row(
        string EventId,
        string Type,
        int SchemaVersion,
        string EventTime,
        string IngestTime,
        string AgentId,
        string IdentityId,
        string WorkloadId,
        string ScopeId,
        string CorrelationId,
        object CausationId,
        object Provider,
        object Pool,
        string Payload)
    {
        public static Row Of(EventEnvelope e) => new(
            e.EventId.ToString(),
            e.Type,
            e.SchemaVersion,
            e.EventTime.ToString("O", CultureInfo.InvariantCulture),
            e.IngestTime.ToString("O", CultureInfo.InvariantCulture),
            e.Dimensions.AgentId,
            e.Dimensions.IdentityId,
            e.Dimensions.WorkloadId,
            e.Dimensions.ScopeId,
            e.CorrelationId.ToString(),
            (object?)e.CausationId?.ToString() ?? DBNull.Value,
            (object?)e.Provider ?? DBNull.Value,
            (object?)e.Pool ?? DBNull.Value,
            EventSerializer.SerializePayload(e.Payload));
    }
}
