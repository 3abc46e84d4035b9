using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace EventBot.EventStore.Sqlite;

/// <summary>The sanctioned rewrite of legacy plaintext (<see cref="IEventRewriter"/>): one transaction per batch.</summary>
public sealed partial class SqliteEventStore
{
    /// <summary>
    /// One IMMEDIATE transaction: the immutability trigger (and, for a move, the trigger that keeps stream rows) is
    /// dropped, each event is updated where it still holds the expected content, and the triggers are created again
    /// before the commit, so no other connection ever sees the table without them (a rollback restores them too). A
    /// move renumbers the events to the new stream's row, drops the old stream's row and unfold, and points the
    /// idempotency rows of the moved events' sources at the new name. The position does not change: the tail does not
    /// see a rewrite as a new event.
    /// </summary>
    public async Task<int> RewriteAsync(IReadOnlyList<EventRewrite> rewrites, CancellationToken ct)
    {
        EventRewrites.Validate(rewrites);
        if (rewrites.Count == 0) return 0;
        var from = rewrites[0].Stored.StreamId;
        var to = rewrites[0].Replacement.StreamId;
        var moving = from != to;
        await _writeLock.WaitAsync(ct);
        try
        {
            _writer ??= OpenWriter();
            using var tx = _writer.BeginTransaction(deferred: false);
            Run(tx, "DROP TRIGGER IF EXISTS events_are_immutable;" + (moving ? "DROP TRIGGER IF EXISTS streams_are_kept;" : ""));
            long fromNo = Scalar(tx, "SELECT stream_no FROM streams WHERE stream_id = $s", ("$s", from)) ?? 0;
            long toNo = fromNo;
            if (moving)
            {
                Run(tx, "INSERT INTO streams (stream_id) VALUES ($s) ON CONFLICT (stream_id) DO NOTHING", ("$s", to));
                toNo = Scalar(tx, "SELECT stream_no FROM streams WHERE stream_id = $s", ("$s", to))!.Value;
            }
            var rewritten = 0;
            foreach (var (stored, replacement) in rewrites)
            {
                // A version the new stream already holds is never overwritten: that event stays where it was.
                if (moving && Scalar(tx, "SELECT 1 FROM events WHERE stream_no = $n AND version = $v", ("$n", toNo), ("$v", stored.Version)) is not null)
                    continue;
                var changed = Run(tx, """
                    UPDATE events SET stream_no = $toNo, stream_id = $to, data = $data, actor_id = $actor, actor_name = $name
                    WHERE stream_no = $fromNo AND version = $v AND event_id = $id AND data = $oldData AND actor_id = $oldActor AND actor_name = $oldName
                    """,
                    ("$toNo", toNo), ("$to", to), ("$data", replacement.Data), ("$actor", replacement.ActorId), ("$name", replacement.ActorName),
                    ("$fromNo", fromNo), ("$v", stored.Version), ("$id", stored.EventId.ToString()), ("$oldData", stored.Data),
                    ("$oldActor", stored.ActorId), ("$oldName", stored.ActorName));
                if (changed == 0) continue;
                rewritten++;
                if (moving) Run(tx, "UPDATE idempotency SET stream_id = $to WHERE source = $source AND stream_id = $from", ("$to", to), ("$source", stored.Source), ("$from", from));
            }
            if (moving)
            {
                Run(tx, "DELETE FROM unfolds WHERE stream_id = $s", ("$s", from));
                Run(tx, "DELETE FROM streams WHERE stream_no = $n AND NOT EXISTS (SELECT 1 FROM events WHERE stream_no = $n)", ("$n", fromNo));
                if (Scalar(tx, "SELECT 1 FROM events WHERE stream_no = $n LIMIT 1", ("$n", toNo)) is null)
                    Run(tx, "DELETE FROM streams WHERE stream_no = $n", ("$n", toNo)); // nothing moved: no empty row left behind
            }
            Run(tx, SqliteSchema.EventsImmutableTrigger + (moving ? SqliteSchema.StreamsKeptTrigger : ""));
            tx.Commit();
            return rewritten;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private int Run(SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(_writer!, tx, sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command.ExecuteNonQuery();
    }

    private long? Scalar(SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(_writer!, tx, sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command.ExecuteScalar() is long found ? found : null;
    }
}
