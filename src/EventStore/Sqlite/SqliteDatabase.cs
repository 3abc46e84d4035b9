using Microsoft.Data.Sqlite;

namespace EventBot.EventStore.Sqlite;

/// <summary>The embedded database file shared by the event store and the read models.</summary>
public sealed class SqliteDatabase
{
    public SqliteDatabase(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        FilePath = full;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string FilePath { get; }

    public string ConnectionString { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        // These settings belong to the physical connection (journal_mode even to the file), and a pooled open hands
        // back the same one: set them once per handle instead of running four statements on every open.
        if (connection.Handle is { } handle && !Configured.TryGetValue(handle, out _))
        {
            // WAL lets the projector and queries read while a command appends; NORMAL is durable in WAL mode
            // across application crashes (only a power cut can lose the last commits). secure_delete zeroes what a
            // delete or an update frees, so erased data (destroyed keys, a rebuilt generation) leaves no bytes behind.
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;";
            pragma.ExecuteNonQuery();
            Configured.AddOrUpdate(handle, Marker);
        }
        return connection;
    }

    private static readonly object Marker = new();

    // Weak keys: a handle closed by the pool (or ClearAllPools) is forgotten with it; a new handle is configured anew.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();

    /// <summary>
    /// Copies the WAL into the database file and truncates it (best effort: a reader holding an old snapshot makes it a
    /// partial checkpoint, and the next one finishes the job). After an erasure, so old page images do not linger.
    /// </summary>
    public void Checkpoint() => Execute("PRAGMA wal_checkpoint(TRUNCATE);");

    public void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
