using Microsoft.Data.Sqlite;

namespace EventBot.EventStore.Sqlite;

/// <summary>The prepared statements of an append, reused across the appends of one transaction.</summary>
internal sealed class AppendStatements : IDisposable
{
    public AppendStatements(SqliteConnection connection)
    {
        _connection = connection;
        Seen = SqliteEventStore.Command(connection, null, "SELECT stream_id, first_version, last_version FROM idempotency WHERE source = $source");
        SeenSource = Seen.Parameters.Add("$source", SqliteType.Text);
        // No row: a new stream (version 0, numbered when its first append passes its checks).
        Last = SqliteEventStore.Command(connection, null, """
            SELECT s.stream_no, COALESCE((SELECT MAX(e.version) FROM events e WHERE e.stream_no = s.stream_no), 0)
            FROM streams s WHERE s.stream_id = $stream
            """);
        LastStream = Last.Parameters.Add("$stream", SqliteType.Text);
        NewStream = SqliteEventStore.Command(connection, null, "INSERT INTO streams (stream_id) VALUES ($stream) RETURNING stream_no");
        NewStreamId = NewStream.Parameters.Add("$stream", SqliteType.Text);
        Insert = SqliteEventStore.Command(connection, null, """
            INSERT INTO events (stream_no, stream_id, version, event_id, type, schema_version, data, guild_id, category, actor_id, actor_name, source, recorded_at,
                                correlation_id, causation_id, trace_parent)
            VALUES ($streamNo, $stream, $version, $id, $type, $schema, $data, $guild, $category, $actor, $actorName, $source, $at,
                    $correlation, $causation, $traceParent)
            """);
        Handle = connection.Handle!;
        InsertStreamNo = Insert.Parameters.Add("$streamNo", SqliteType.Integer);
        InsertStream = Insert.Parameters.Add("$stream", SqliteType.Text);
        InsertVersion = Insert.Parameters.Add("$version", SqliteType.Integer);
        InsertId = Insert.Parameters.Add("$id", SqliteType.Text);
        InsertType = Insert.Parameters.Add("$type", SqliteType.Text);
        InsertSchema = Insert.Parameters.Add("$schema", SqliteType.Integer);
        InsertData = Insert.Parameters.Add("$data", SqliteType.Text);
        InsertGuild = Insert.Parameters.Add("$guild", SqliteType.Text);
        InsertCategory = Insert.Parameters.Add("$category", SqliteType.Text);
        InsertActor = Insert.Parameters.Add("$actor", SqliteType.Text);
        InsertActorName = Insert.Parameters.Add("$actorName", SqliteType.Text);
        InsertSource = Insert.Parameters.Add("$source", SqliteType.Text);
        InsertAt = Insert.Parameters.Add("$at", SqliteType.Text);
        InsertCorrelation = Insert.Parameters.Add("$correlation", SqliteType.Text);
        InsertCausation = Insert.Parameters.Add("$causation", SqliteType.Text);
        InsertTraceParent = Insert.Parameters.Add("$traceParent", SqliteType.Text);
        // Claims the source: no row changed means it was processed before.
        Mark = SqliteEventStore.Command(connection, null, """
            INSERT INTO idempotency (source, stream_id, first_version, last_version) VALUES ($source, $stream, $first, $last)
            ON CONFLICT (source) DO NOTHING
            """);
        MarkSource = Mark.Parameters.Add("$source", SqliteType.Text);
        MarkStream = Mark.Parameters.Add("$stream", SqliteType.Text);
        MarkFirst = Mark.Parameters.Add("$first", SqliteType.Integer);
        MarkLast = Mark.Parameters.Add("$last", SqliteType.Integer);
        // The state beside the stream, replaced by every append that brings one (same transaction as its events).
        Unfold = SqliteEventStore.Command(connection, null, """
            INSERT INTO unfolds (stream_id, version, event_id, type, schema_version, data) VALUES ($stream, $version, $id, $type, $schema, $data)
            ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, event_id = excluded.event_id, type = excluded.type,
              schema_version = excluded.schema_version, data = excluded.data
            """);
        UnfoldStream = Unfold.Parameters.Add("$stream", SqliteType.Text);
        UnfoldVersion = Unfold.Parameters.Add("$version", SqliteType.Integer);
        UnfoldEventId = Unfold.Parameters.Add("$id", SqliteType.Text);
        UnfoldType = Unfold.Parameters.Add("$type", SqliteType.Text);
        UnfoldSchema = Unfold.Parameters.Add("$schema", SqliteType.Integer);
        UnfoldData = Unfold.Parameters.Add("$data", SqliteType.Text);
    }

    /// <summary>Adds a new data key in the append's transaction (<see cref="SqliteEventStore.AppendWithKeysAsync"/>); made on first use (the keys table is the key store's).</summary>
    public SqliteCommand AddKey(SqliteTransaction tx)
    {
        if (_addKey is null)
        {
            // No ON CONFLICT: a lookup already taken fails the statement, and the whole append with it.
            _addKey = SqliteEventStore.Command(_connection, null,
                $"INSERT INTO keys ({Privacy.SqliteKeyStore.Columns}) VALUES ($id, $lookup, $kind, $guild, $owner, $by, $wrapped, $sealed)");
            foreach (var name in (string[])["$id", "$lookup", "$kind", "$guild", "$owner", "$by", "$wrapped", "$sealed"])
                _addKey.Parameters.Add(name, SqliteType.Text);
        }
        _addKey.Transaction = tx;
        return _addKey;
    }

    private readonly SqliteConnection _connection;
    private SqliteCommand? _addKey;

    public SQLitePCL.sqlite3 Handle { get; }
    public SqliteCommand Seen { get; }
    public SqliteParameter SeenSource { get; }
    public SqliteCommand Last { get; }
    public SqliteParameter LastStream { get; }
    public SqliteCommand NewStream { get; }
    public SqliteParameter NewStreamId { get; }
    public SqliteCommand Insert { get; }
    public SqliteParameter InsertStreamNo { get; }
    public SqliteParameter InsertStream { get; }
    public SqliteParameter InsertVersion { get; }
    public SqliteParameter InsertId { get; }
    public SqliteParameter InsertType { get; }
    public SqliteParameter InsertSchema { get; }
    public SqliteParameter InsertData { get; }
    public SqliteParameter InsertGuild { get; }
    public SqliteParameter InsertCategory { get; }
    public SqliteParameter InsertActor { get; }
    public SqliteParameter InsertActorName { get; }
    public SqliteParameter InsertSource { get; }
    public SqliteParameter InsertAt { get; }
    public SqliteParameter InsertCorrelation { get; }
    public SqliteParameter InsertCausation { get; }
    public SqliteParameter InsertTraceParent { get; }
    public SqliteCommand Mark { get; }
    public SqliteParameter MarkSource { get; }
    public SqliteParameter MarkStream { get; }
    public SqliteParameter MarkFirst { get; }
    public SqliteParameter MarkLast { get; }
    public SqliteCommand Unfold { get; }
    public SqliteParameter UnfoldStream { get; }
    public SqliteParameter UnfoldVersion { get; }
    public SqliteParameter UnfoldEventId { get; }
    public SqliteParameter UnfoldType { get; }
    public SqliteParameter UnfoldSchema { get; }
    public SqliteParameter UnfoldData { get; }

    public void Enlist(SqliteTransaction tx) =>
        Seen.Transaction = Last.Transaction = NewStream.Transaction = Insert.Transaction = Mark.Transaction = Unfold.Transaction = tx;

    public void Dispose()
    {
        Seen.Dispose();
        Last.Dispose();
        NewStream.Dispose();
        Insert.Dispose();
        Mark.Dispose();
        Unfold.Dispose();
        _addKey?.Dispose();
    }
}

/// <summary>One append of a <see cref="SqliteEventStore.AppendManyAsync"/> batch.</summary>
public sealed record PendingAppend(StreamName Stream, long ExpectedVersion, IReadOnlyList<EventData> Events, AppendContext Context)
{
    /// <summary>The stream's state after these events, stored beside it in the same transaction (none: the old one stays).</summary>
    public UnfoldData? Unfold { get; init; }

    /// <summary>New data keys to add in the same transaction once the append's checks pass (none: no key is added).</summary>
    public IReadOnlyList<Privacy.KeyRecord>? Keys { get; init; }
}
