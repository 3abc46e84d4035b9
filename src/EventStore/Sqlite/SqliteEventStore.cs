using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace EventBot.EventStore.Sqlite;

/// <summary>
/// The embedded event store: one append-only table with a global position, so an in-process tail can follow it.
/// Writes go through one connection under a lock (SQLite has one writer anyway); reads use pooled connections.
/// </summary>
public sealed class SqliteEventStore : IEventStore, IAppendNotifier, IPositionedEventReader, IEventCountEstimator, IDisposable
{
    private const string Columns = "position, stream_id, version, event_id, type, schema_version, data, guild_id, actor_id, actor_name, source, recorded_at";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;

    public SqliteEventStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _database.Execute("""
            CREATE TABLE IF NOT EXISTS events (
              position       INTEGER PRIMARY KEY AUTOINCREMENT,
              stream_id      TEXT    NOT NULL,
              version        INTEGER NOT NULL,
              event_id       TEXT    NOT NULL,
              type           TEXT    NOT NULL,
              schema_version INTEGER NOT NULL,
              data           TEXT    NOT NULL,
              guild_id       TEXT    NOT NULL,
              category       TEXT    NOT NULL,
              actor_id       TEXT    NOT NULL,
              actor_name     TEXT    NOT NULL,
              source         TEXT    NOT NULL,
              recorded_at    TEXT    NOT NULL,
              UNIQUE (stream_id, version)
            );
            CREATE INDEX IF NOT EXISTS ix_events_guild ON events (guild_id, category, position);
            CREATE TABLE IF NOT EXISTS idempotency (
              source        TEXT PRIMARY KEY,
              stream_id     TEXT    NOT NULL,
              first_version INTEGER NOT NULL,
              last_version  INTEGER NOT NULL
            );
            CREATE TRIGGER IF NOT EXISTS events_are_immutable BEFORE UPDATE ON events
              BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
            CREATE TRIGGER IF NOT EXISTS events_are_kept BEFORE DELETE ON events
              BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
            """);
    }

    public event Action? Appended;

    public async Task<AppendResult> AppendAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, AppendContext context, CancellationToken ct)
    {
        if (events.Count == 0) throw new ArgumentException("Nothing to append.", nameof(events));
        await _writeLock.WaitAsync(ct);
        AppendResult result;
        try
        {
            _writer ??= _database.Open();
            using var tx = _writer.BeginTransaction(deferred: false);

            using (var seen = Command(_writer, tx, "SELECT stream_id, first_version, last_version FROM idempotency WHERE source = $source"))
            {
                seen.Parameters.AddWithValue("$source", context.Source);
                using var reader = seen.ExecuteReader();
                if (reader.Read())
                    return new AppendResult.AlreadyProcessed(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
            }

            long actual;
            using (var last = Command(_writer, tx, "SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = $stream"))
            {
                last.Parameters.AddWithValue("$stream", stream.Value);
                actual = (long)last.ExecuteScalar()!;
            }
            if (actual != expectedVersion) return new AppendResult.WrongExpectedVersion(expectedVersion, actual);

            var now = _time.GetUtcNow();
            var stored = new List<EventEnvelope>(events.Count);
            using var insert = Command(_writer, tx, """
                INSERT INTO events (stream_id, version, event_id, type, schema_version, data, guild_id, category, actor_id, actor_name, source, recorded_at)
                VALUES ($stream, $version, $id, $type, $schema, $data, $guild, $category, $actor, $actorName, $source, $at)
                RETURNING position
                """);
            var pVersion = insert.Parameters.Add("$version", SqliteType.Integer);
            var pId = insert.Parameters.Add("$id", SqliteType.Text);
            var pType = insert.Parameters.Add("$type", SqliteType.Text);
            var pSchema = insert.Parameters.Add("$schema", SqliteType.Integer);
            var pData = insert.Parameters.Add("$data", SqliteType.Text);
            insert.Parameters.AddWithValue("$stream", stream.Value);
            insert.Parameters.AddWithValue("$guild", context.GuildId);
            insert.Parameters.AddWithValue("$category", stream.Category);
            insert.Parameters.AddWithValue("$actor", context.ActorId);
            insert.Parameters.AddWithValue("$actorName", context.ActorName);
            insert.Parameters.AddWithValue("$source", context.Source);
            insert.Parameters.AddWithValue("$at", now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            var version = expectedVersion;
            foreach (var e in events)
            {
                version++;
                var id = Guid.CreateVersion7(now);
                pVersion.Value = version;
                pId.Value = id.ToString();
                pType.Value = e.Type;
                pSchema.Value = e.SchemaVersion;
                pData.Value = e.Data;
                var position = (long)insert.ExecuteScalar()!;
                stored.Add(new EventEnvelope(stream.Value, version, id, e.Type, e.SchemaVersion, e.Data, context.GuildId,
                    context.ActorId, context.ActorName, context.Source, now, position));
            }

            using (var mark = Command(_writer, tx, "INSERT INTO idempotency (source, stream_id, first_version, last_version) VALUES ($source, $stream, $first, $last)"))
            {
                mark.Parameters.AddWithValue("$source", context.Source);
                mark.Parameters.AddWithValue("$stream", stream.Value);
                mark.Parameters.AddWithValue("$first", expectedVersion + 1);
                mark.Parameters.AddWithValue("$last", version);
                mark.ExecuteNonQuery();
            }
            tx.Commit();
            result = new AppendResult.Appended(stored, version);
        }
        finally
        {
            _writeLock.Release();
        }
        Appended?.Invoke();
        return result;
    }

    public async Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(StreamName stream, long fromVersion, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = Command(connection, null, $"SELECT {Columns} FROM events WHERE stream_id = $stream AND version >= $from ORDER BY version");
        command.Parameters.AddWithValue("$stream", stream.Value);
        command.Parameters.AddWithValue("$from", fromVersion);
        return await ReadAll(command, ct);
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
        _writer?.Dispose();
        _writeLock.Dispose();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    private static async Task<IReadOnlyList<EventEnvelope>> ReadAll(SqliteCommand command, CancellationToken ct)
    {
        var list = new List<EventEnvelope>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
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
                RecordedAt: DateTimeOffset.Parse(reader.GetString(11), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                Position: reader.GetInt64(0)));
        }
        return list;
    }
}
