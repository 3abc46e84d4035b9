using Microsoft.Data.Sqlite;

namespace EventBot.EventStore.Sqlite;

/// <summary>
/// The event store's tables. Streams get a small integer number (<c>streams</c>) and the events' uniqueness index is
/// (stream_no, version) of integers: an append dirties one leaf of that index per stream it touches, and a batch over
/// many streams writes each of those leaves to the WAL at commit, so the narrower the entries, the fewer the leaves.
/// Files created before this (v1: UNIQUE (stream_id TEXT, version), AUTOINCREMENT) are migrated in place, in one
/// transaction, the first time a store opens them.
/// </summary>
public static class SqliteSchema
{
    // No AUTOINCREMENT: events are never deleted (the trigger forbids it), so an INTEGER PRIMARY KEY alone hands out
    // max(position) + 1, always increasing, without a sqlite_sequence row to update on every commit.
    /// <summary>The events table. Public, with <see cref="EventsIndexes"/>, so the benchmark's raw baseline has its exact shape.</summary>
    public const string EventsTable = """
        CREATE TABLE events (
          position       INTEGER PRIMARY KEY,
          stream_no      INTEGER NOT NULL,
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
          correlation_id TEXT    NOT NULL DEFAULT '',
          causation_id   TEXT    NOT NULL DEFAULT '',
          trace_parent   TEXT    NOT NULL DEFAULT ''
        );
        """;

    /// <summary>
    /// Columns added to the current shape after it first shipped: an older file gets them with ALTER TABLE (cheap: no
    /// row is rewritten, old events read the default, empty). Name and definition, in order.
    /// </summary>
    private static readonly (string Name, string Definition)[] AddedColumns =
    [
        ("correlation_id", "TEXT NOT NULL DEFAULT ''"),
        ("causation_id", "TEXT NOT NULL DEFAULT ''"),
        ("trace_parent", "TEXT NOT NULL DEFAULT ''"),
    ];

    /// <summary>The events table's indexes: every insert maintains them.</summary>
    public const string EventsIndexes = """
        CREATE UNIQUE INDEX IF NOT EXISTS ux_events_stream ON events (stream_no, version);
        CREATE INDEX IF NOT EXISTS ix_events_guild ON events (guild_id, category, position);
        """;

    /// <summary>No event is ever updated, but by the one sanctioned rewrite of legacy plaintext (<see cref="SqliteEventStore.RewriteAsync"/>), which drops and restores it in its transaction.</summary>
    internal const string EventsImmutableTrigger = """
        CREATE TRIGGER IF NOT EXISTS events_are_immutable BEFORE UPDATE ON events
          BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;

        """;

    /// <summary>A stream row stays, but when the sanctioned rewrite moves a legacy user stream (named with a raw user id) away.</summary>
    internal const string StreamsKeptTrigger = """
        CREATE TRIGGER IF NOT EXISTS streams_are_kept BEFORE DELETE ON streams
          BEGIN SELECT RAISE(ABORT, 'streams are append-only'); END;

        """;

    private const string EventsIndexesAndTriggers = EventsIndexes + EventsImmutableTrigger + """
        CREATE TRIGGER IF NOT EXISTS events_are_kept BEFORE DELETE ON events
          BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        """;

    private const string OtherTables = """
        CREATE TABLE IF NOT EXISTS streams (
          stream_no INTEGER PRIMARY KEY,
          stream_id TEXT    NOT NULL UNIQUE
        );
        CREATE TABLE IF NOT EXISTS idempotency (
          source        TEXT PRIMARY KEY,
          stream_id     TEXT    NOT NULL,
          first_version INTEGER NOT NULL,
          last_version  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS unfolds (
          stream_id      TEXT PRIMARY KEY,
          version        INTEGER NOT NULL,
          event_id       TEXT    NOT NULL,
          type           TEXT    NOT NULL,
          schema_version INTEGER NOT NULL,
          data           TEXT    NOT NULL
        ) WITHOUT ROWID;

        """ + StreamsKeptTrigger + """
        CREATE TRIGGER IF NOT EXISTS stream_numbers_are_fixed BEFORE UPDATE ON streams
          BEGIN SELECT RAISE(ABORT, 'stream numbers are fixed'); END;
        """;

    /// <summary>
    /// The v1 table as the previous store created it. Kept here so the migration test builds exactly that file.
    /// </summary>
    public const string V1Ddl = """
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
        ) WITHOUT ROWID;
        CREATE TRIGGER IF NOT EXISTS events_are_immutable BEFORE UPDATE ON events
          BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
        CREATE TRIGGER IF NOT EXISTS events_are_kept BEFORE DELETE ON events
          BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        """;

    /// <summary>Creates the tables, or brings a v1 file to the current shape; safe to run on every open.</summary>
    public static void Ensure(SqliteDatabase database)
    {
        using var connection = database.Open();
        // IMMEDIATE: two processes opening the same old file at once migrate it once; the second sees v2.
        using var tx = connection.BeginTransaction(deferred: false);
        switch (EventsShape(connection, tx))
        {
            case Shape.Missing:
                Run(connection, tx, OtherTables + EventsTable + EventsIndexesAndTriggers);
                break;
            case Shape.V1:
                MigrateV1(connection, tx);
                break;
            case Shape.Current:
                AddMissingColumns(connection, tx);
                Run(connection, tx, OtherTables + EventsIndexesAndTriggers);
                break;
        }
        tx.Commit();
    }

    private enum Shape { Missing, V1, Current }

    private static Shape EventsShape(SqliteConnection connection, SqliteTransaction tx)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT name FROM pragma_table_info('events')";
        using var reader = command.ExecuteReader();
        var any = false;
        while (reader.Read())
        {
            any = true;
            if (reader.GetString(0) == "stream_no") return Shape.Current;
        }
        return any ? Shape.V1 : Shape.Missing;
    }

    /// <summary>
    /// Copies every event, position kept, into the v2 table, numbering streams in order of first appearance. One
    /// transaction: a crash or a failure leaves the v1 file as it was. DROP TABLE takes the old triggers with it
    /// (it does not fire the delete trigger).
    /// </summary>
    private static void MigrateV1(SqliteConnection connection, SqliteTransaction tx) =>
        Run(connection, tx, OtherTables + EventsTable.Replace("CREATE TABLE events", "CREATE TABLE events_v2", StringComparison.Ordinal) + """
            INSERT INTO streams (stream_id)
              SELECT stream_id FROM events GROUP BY stream_id ORDER BY MIN(position);
            INSERT INTO events_v2 (position, stream_no, stream_id, version, event_id, type, schema_version, data, guild_id,
                                   category, actor_id, actor_name, source, recorded_at)
              SELECT e.position, s.stream_no, e.stream_id, e.version, e.event_id, e.type, e.schema_version, e.data, e.guild_id,
                     e.category, e.actor_id, e.actor_name, e.source, e.recorded_at
              FROM events e JOIN streams s ON s.stream_id = e.stream_id
              ORDER BY e.position;
            DROP TABLE events;
            ALTER TABLE events_v2 RENAME TO events;
            DELETE FROM sqlite_sequence WHERE name = 'events';
            """ + EventsIndexesAndTriggers);

    private static void AddMissingColumns(SqliteConnection connection, SqliteTransaction tx)
    {
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = "SELECT name FROM pragma_table_info('events')";
            using var reader = command.ExecuteReader();
            while (reader.Read()) existing.Add(reader.GetString(0));
        }
        foreach (var (name, definition) in AddedColumns)
            if (!existing.Contains(name)) Run(connection, tx, $"ALTER TABLE events ADD COLUMN {name} {definition};");
    }

    private static void Run(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
