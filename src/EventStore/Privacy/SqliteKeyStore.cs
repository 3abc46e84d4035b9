using EventBot.EventStore.Sqlite;
using Microsoft.Data.Sqlite;

namespace EventBot.EventStore.Privacy;

/// <summary>
/// Keys in the SQLite file beside the events. Deleting runs with <c>secure_delete</c> (freed pages are zeroed, see
/// <see cref="SqliteDatabase"/>) and ends with a WAL checkpoint, so a destroyed key leaves no bytes in the files.
/// </summary>
public sealed class SqliteKeyStore : IKeyStore
{
    internal const string Columns = "key_id, lookup, kind, guild_id, owner, wrapped_by, wrapped, sealed";
    private readonly SqliteDatabase _database;

    public SqliteKeyStore(SqliteDatabase database)
    {
        _database = database;
        database.Execute("""
            CREATE TABLE IF NOT EXISTS keys (
              key_id     TEXT PRIMARY KEY,
              lookup     TEXT NOT NULL UNIQUE,
              kind       TEXT NOT NULL,
              guild_id   TEXT NOT NULL,
              owner      TEXT NOT NULL,
              wrapped_by TEXT NOT NULL,
              wrapped    TEXT NOT NULL,
              sealed     TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS ix_keys_guild ON keys (guild_id);
            CREATE INDEX IF NOT EXISTS ix_keys_owner ON keys (owner) WHERE owner <> '';
            """);
    }

    /// <summary>The file the keys live in: an event store on the same file adds new keys in its appends' transactions.</summary>
    public SqliteDatabase Database => _database;

    public async Task<KeyRecord> AddOrGetAsync(KeyRecord record, CancellationToken ct)
    {
        await using (var connection = _database.Open())
        {
            using var insert = Command(connection, $"INSERT INTO keys ({Columns}) VALUES ($id, $lookup, $kind, $guild, $owner, $by, $wrapped, $sealed) ON CONFLICT DO NOTHING");
            insert.Parameters.AddWithValue("$id", record.KeyId);
            insert.Parameters.AddWithValue("$lookup", record.Lookup);
            insert.Parameters.AddWithValue("$kind", record.Kind);
            insert.Parameters.AddWithValue("$guild", record.GuildId);
            insert.Parameters.AddWithValue("$owner", record.Owner);
            insert.Parameters.AddWithValue("$by", record.WrappedBy);
            insert.Parameters.AddWithValue("$wrapped", record.Wrapped);
            insert.Parameters.AddWithValue("$sealed", record.Sealed);
            if (await insert.ExecuteNonQueryAsync(ct) == 1) return record;
        }
        return await FindAsync(record.Lookup, ct) ?? throw new InvalidOperationException("A key id collided with another key's.");
    }

    public Task<KeyRecord?> GetAsync(string keyId, CancellationToken ct) => OneAsync("key_id", keyId, ct);

    public Task<KeyRecord?> FindAsync(string lookup, CancellationToken ct) => OneAsync("lookup", lookup, ct);

    public async Task<IReadOnlyList<KeyRecord>> ListAsync(string? guildId, string? owner, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = Command(connection, $"SELECT {Columns} FROM keys WHERE ($guild IS NULL OR guild_id = $guild) AND ($owner IS NULL OR owner = $owner)");
        command.Parameters.AddWithValue("$guild", (object?)guildId ?? DBNull.Value);
        command.Parameters.AddWithValue("$owner", (object?)owner ?? DBNull.Value);
        return await ReadAsync(command, ct);
    }

    public async Task<int> DeleteAsync(IReadOnlyList<KeyRecord> records, CancellationToken ct)
    {
        var deleted = 0;
        await using (var connection = _database.Open())
        {
            using var tx = connection.BeginTransaction();
            using var delete = Command(connection, "DELETE FROM keys WHERE key_id = $id");
            delete.Transaction = tx;
            var id = delete.Parameters.Add("$id", SqliteType.Text);
            foreach (var record in records)
            {
                id.Value = record.KeyId;
                deleted += await delete.ExecuteNonQueryAsync(ct);
            }
            tx.Commit();
        }
        _database.Checkpoint();
        return deleted;
    }

    public async Task<IReadOnlyDictionary<string, long>> CountAsync(CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = Command(connection, "SELECT kind, COUNT(*) FROM keys GROUP BY kind");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private async Task<KeyRecord?> OneAsync(string column, string value, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = Command(connection, $"SELECT {Columns} FROM keys WHERE {column} = $value");
        command.Parameters.AddWithValue("$value", value);
        var found = await ReadAsync(command, ct);
        return found.Count == 0 ? null : found[0];
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static async Task<IReadOnlyList<KeyRecord>> ReadAsync(SqliteCommand command, CancellationToken ct)
    {
        var list = new List<KeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new KeyRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7)));
        return list;
    }
}
