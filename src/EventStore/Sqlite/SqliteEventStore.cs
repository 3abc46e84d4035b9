using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace EventBot.EventStore.Sqlite;

/// <summary>
/// The embedded event store: one append-only table with a global position, so an in-process tail can follow it
/// (tables in <see cref="SqliteSchema"/>).
/// Writes go through one connection under a lock (SQLite has one writer anyway); reads use pooled connections.
/// </summary>
public sealed partial class SqliteEventStore : IEventStore, IAppendNotifier, IPositionedEventReader, IEventCountEstimator, IEventRewriter, IDisposable
{
    private const string Columns = "position, stream_id, version, event_id, type, schema_version, data, guild_id, actor_id, actor_name, source, recorded_at, correlation_id, causation_id, trace_parent";

    /// <summary>
    /// The writer connection's settings: a 32 MB page cache (in KiB) and an auto-checkpoint every 10,000 WAL pages
    /// (SQLite's default is 1,000; see <see cref="OpenWriter"/>). Public so the benchmark's raw baseline gets the same.
    /// </summary>
    public const string WriterPragmas = "PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 10000;";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;
    private AppendStatements? _statements;

    public SqliteEventStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        SqliteSchema.Ensure(database);
    }

    public event Action? Appended;

    public async Task<AppendResult> AppendAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, AppendContext context, CancellationToken ct)
    {
        var results = await AppendManyAsync([new PendingAppend(stream, expectedVersion, events, context)], ct);
        return results[0];
    }

    public async Task<AppendResult> AppendWithUnfoldAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData unfold,
        AppendContext context, CancellationToken ct)
    {
        var results = await AppendManyAsync([new PendingAppend(stream, expectedVersion, events, context) { Unfold = unfold }], ct);
        return results[0];
    }

    /// <summary>
    /// Several appends in one transaction (bulk seeding, imports): each is checked exactly like
    /// <see cref="AppendAsync"/> (expected version, idempotency key), in order, so a later append sees the earlier
    /// ones. An append that fails its check writes nothing and reports why; the others still commit.
    /// </summary>
    public async Task<IReadOnlyList<AppendResult>> AppendManyAsync(IReadOnlyList<PendingAppend> appends, CancellationToken ct)
    {
        foreach (var append in appends)
            if (append.Events.Count == 0) throw new ArgumentException("Nothing to append.", nameof(appends));
        await _writeLock.WaitAsync(ct);
        var results = new AppendResult[appends.Count];
        var any = false;
        try
        {
            _writer ??= OpenWriter();
            using var tx = _writer.BeginTransaction(deferred: false);
            // Prepared once per writer connection and reused by every append (and every append of a batch).
            var statements = _statements ??= new AppendStatements(_writer);
            statements.Enlist(tx);
            var now = _time.GetUtcNow();
            var recordedAt = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            for (var i = 0; i < appends.Count; i++)
            {
                results[i] = AppendOne(statements, appends[i], recordedAt, now);
                any |= results[i] is AppendResult.Appended;
            }
            tx.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
        if (any) Appended?.Invoke();
        return results;
    }

    // Order of checks as before: a source already processed wins over a version mismatch (a redelivered message
    // usually carries a stale expected version). The common case (version matches, source new) costs one lookup and
    // one insert-or-nothing before the events; the idempotency read only runs when one of them says no.
    private static AppendResult AppendOne(AppendStatements s, PendingAppend append, string recordedAt, DateTimeOffset now)
    {
        var (stream, expectedVersion, events, context) = append;
        var unfold = append.Unfold;
        s.LastStream.Value = stream.Value;
        long streamNo = 0, actual = 0;
        using (var reader = s.Last.ExecuteReader())
        {
            if (reader.Read())
            {
                streamNo = reader.GetInt64(0);
                actual = reader.GetInt64(1);
            }
        }
        if (actual != expectedVersion)
            return (AppendResult?)Seen(s, context.Source) ?? new AppendResult.WrongExpectedVersion(expectedVersion, actual);

        var last = expectedVersion + events.Count;
        s.MarkSource.Value = context.Source;
        s.MarkStream.Value = stream.Value;
        s.MarkFirst.Value = expectedVersion + 1;
        s.MarkLast.Value = last;
        if (s.Mark.ExecuteNonQuery() == 0) return Seen(s, context.Source)!;
        if (append.Keys is { Count: > 0 } keys) AddKeys(s, keys);

        if (streamNo == 0)
        {
            s.NewStreamId.Value = stream.Value;
            streamNo = (long)s.NewStream.ExecuteScalar()!;
        }

        var stored = new List<EventEnvelope>(events.Count);
        s.InsertStreamNo.Value = streamNo;
        s.InsertStream.Value = stream.Value;
        s.InsertGuild.Value = context.GuildId;
        s.InsertCategory.Value = stream.Category;
        s.InsertActor.Value = context.ActorId;
        s.InsertActorName.Value = context.ActorName;
        s.InsertSource.Value = context.Source;
        s.InsertAt.Value = recordedAt;
        s.InsertCorrelation.Value = context.CorrelationId;
        s.InsertCausation.Value = context.CausationId;
        s.InsertTraceParent.Value = context.TraceParent;
        var version = expectedVersion;
        foreach (var e in events)
        {
            version++;
            var id = Guid.CreateVersion7(now);
            s.InsertVersion.Value = version;
            s.InsertId.Value = id.ToString();
            s.InsertType.Value = e.Type;
            s.InsertSchema.Value = e.SchemaVersion;
            s.InsertData.Value = e.Data;
            // The rowid just assigned: same as RETURNING position, without a data reader per event.
            s.Insert.ExecuteNonQuery();
            var position = SQLitePCL.raw.sqlite3_last_insert_rowid(s.Handle);
            stored.Add(new EventEnvelope(stream.Value, version, id, e.Type, e.SchemaVersion, e.Data, context.GuildId,
                context.ActorId, context.ActorName, context.Source, now, position)
            {
                CorrelationId = context.CorrelationId,
                CausationId = context.CausationId,
                TraceParent = context.TraceParent,
            });
        }
        if (unfold is not null)
        {
            s.UnfoldStream.Value = stream.Value;
            s.UnfoldVersion.Value = last;
            s.UnfoldEventId.Value = stored[^1].EventId.ToString();
            s.UnfoldType.Value = unfold.Type;
            s.UnfoldSchema.Value = unfold.SchemaVersion;
            s.UnfoldData.Value = unfold.Data;
            s.Unfold.ExecuteNonQuery();
        }
        return new AppendResult.Appended(stored, last);
    }

    private static AppendResult.AlreadyProcessed? Seen(AppendStatements s, string source)
    {
        s.SeenSource.Value = source;
        using var reader = s.Seen.ExecuteReader();
        return reader.Read() ? new AppendResult.AlreadyProcessed(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)) : null;
    }

    private SqliteConnection OpenWriter()
    {
        var writer = _database.Open();
        // Every append walks three indexes (stream+version, guild, idempotency source); past a few hundred thousand
        // events their pages no longer fit SQLite's default 2 MB cache and appends start reading from the OS.
        // A batch over many streams dirties one leaf of the stream index per stream: ~500 pages a commit at 500
        // streams. With the default auto-checkpoint (1,000 pages) nearly every other commit then copied those pages
        // back into the database file and fsynced it twice; at 10,000 pages (about 40 MB of WAL) a checkpoint
        // comes every ~20 such commits and copies each hot page once for all of them. The WAL file stays that size.
        using var pragma = writer.CreateCommand();
        pragma.CommandText = WriterPragmas;
        pragma.ExecuteNonQuery();
        return writer;
    }

    public async Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(StreamName stream, long fromVersion, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = Command(connection, null, $"""
            SELECT {Columns} FROM events
            WHERE stream_no = (SELECT stream_no FROM streams WHERE stream_id = $stream) AND version >= $from ORDER BY version
            """);
        command.Parameters.AddWithValue("$stream", stream.Value);
        command.Parameters.AddWithValue("$from", fromVersion);
        return await ReadAll(command, ct);
    }

    public async Task<IReadOnlyList<EventEnvelope>> ReadStreamBackwardAsync(StreamName stream, long beforeVersion, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = _database.Open();
        // The (stream_no, version) index walked backwards: the page's rows, whatever the stream's length.
        using var command = Command(connection, null, $"""
            SELECT {Columns} FROM events
            WHERE stream_no = (SELECT stream_no FROM streams WHERE stream_id = $stream) AND version < $before ORDER BY version DESC LIMIT $limit
            """);
        command.Parameters.AddWithValue("$stream", stream.Value);
        command.Parameters.AddWithValue("$before", beforeVersion);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAll(command, ct);
    }

    public async Task<StreamUnfold?> ReadUnfoldAsync(StreamName stream, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = Command(connection, null, "SELECT type, schema_version, data, version, event_id FROM unfolds WHERE stream_id = $stream");
        command.Parameters.AddWithValue("$stream", stream.Value);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new StreamUnfold(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), Guid.Parse(reader.GetString(4)))
            : null;
    }

    public async Task<IReadOnlyList<EventEnvelope>> ReadGuildHistoryAsync(string guildId, string category, int skip, int take, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = Command(connection, null, $"""
            SELECT {Columns} FROM events WHERE guild_id = $guild AND category = $category
            ORDER BY position DESC LIMIT $take OFFSET $skip
            """);
        command.Parameters.AddWithValue("$guild", guildId);
        command.Parameters.AddWithValue("$category", category);
        command.Parameters.AddWithValue("$take", take);
        command.Parameters.AddWithValue("$skip", skip);
        return await ReadAll(command, ct);
    }

    /// <summary>Pages of 4,096 by position on <c>ix_events_guild</c> (guild_id, category, position).</summary>
    public async IAsyncEnumerable<EventEnvelope> ReadGuildEventsAsync(string guildId, string category, [EnumeratorCancellation] CancellationToken ct)
    {
        const int Page = 4096;
        long after = 0;
        while (true)
        {
            IReadOnlyList<EventEnvelope> page;
            await using (var connection = _database.Open())
            {
                using var command = Command(connection, null, $"""
                    SELECT {Columns} FROM events WHERE guild_id = $guild AND category = $category AND position > $after
                    ORDER BY position LIMIT $take
                    """);
                command.Parameters.AddWithValue("$guild", guildId);
                command.Parameters.AddWithValue("$category", category);
                command.Parameters.AddWithValue("$after", after);
                command.Parameters.AddWithValue("$take", Page);
                page = await ReadAll(command, ct);
            }
            foreach (var e in page) yield return e;
            if (page.Count < Page) yield break;
            after = page[^1].Position;
        }
    }

    public async IAsyncEnumerable<EventEnvelope> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            var page = await ReadAfterPositionAsync(after, 4096, ct);
            foreach (var e in page) yield return e;
            if (page.Count < 4096) yield break;
            after = page[^1].Position;
        }
    }

    /// <summary>Events after a global position, for the in-process tail.</summary>
    public async Task<IReadOnlyList<EventEnvelope>> ReadAfterPositionAsync(long position, int max, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = Command(connection, null, $"SELECT {Columns} FROM events WHERE position > $after ORDER BY position LIMIT $max");
        command.Parameters.AddWithValue("$after", position);
        command.Parameters.AddWithValue("$max", max);
        return await ReadAll(command, ct);
    }

    public async Task<long> LastPositionAsync(CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = Command(connection, null, "SELECT COALESCE(MAX(position), 0) FROM events");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<EventCountEstimate> EstimateEventCountAsync(CancellationToken ct) =>
        new(await LastPositionAsync(ct), Exact: true, "last position");

    public void Dispose()
    {
        _statements?.Dispose();
        _writer?.Dispose();
        _writeLock.Dispose();
    }

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    // Written with the round-trip format ("O"); the exact parse is several times faster than the general one, which
    // stays as the fallback for anything else.
    private static DateTimeOffset ParseRecordedAt(string text) =>
        DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static async Task<IReadOnlyList<EventEnvelope>> ReadAll(SqliteCommand command, CancellationToken ct)
    {
        var list = new List<EventEnvelope>();
        // Microsoft.Data.Sqlite's async reads complete synchronously; the synchronous calls skip a task per row.
        await using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if ((list.Count & 1023) == 0) ct.ThrowIfCancellationRequested();
            list.Add(new EventEnvelope(
                StreamId: reader.GetString(1),
                Version: reader.GetInt64(2),
                EventId: Guid.Parse(reader.GetString(3)),
                Type: reader.GetString(4),
                SchemaVersion: reader.GetInt32(5),
                Data: reader.GetString(6),
                GuildId: reader.GetString(7),
                ActorId: reader.GetString(8),
                ActorName: reader.GetString(9),
                Source: reader.GetString(10),
                RecordedAt: ParseRecordedAt(reader.GetString(11)),
                Position: reader.GetInt64(0))
            {
                CorrelationId = reader.GetString(12),
                CausationId = reader.GetString(13),
                TraceParent = reader.GetString(14),
            });
        }
        return list;
    }
}
