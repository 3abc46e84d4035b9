using System.Text.Json;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using Microsoft.Data.Sqlite;

namespace EventBot.Projections.Sqlite;

/// <summary>Read models in the embedded database: one table of rows, one of named values.</summary>
public sealed class SqliteViewStore : IViewStore, IBatchViewStore
{
    private readonly SqliteDatabase _database;

    public SqliteViewStore(SqliteDatabase database)
    {
        _database = database;
        _database.Execute("""
            CREATE TABLE IF NOT EXISTS views (
              partition TEXT    NOT NULL,
              sort      TEXT    NOT NULL,
              body      TEXT    NOT NULL,
              applied   TEXT    NOT NULL,
              revision  INTEGER NOT NULL,
              PRIMARY KEY (partition, sort)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS named_values (
              name  TEXT PRIMARY KEY,
              value TEXT NOT NULL
            ) WITHOUT ROWID;
            """);
    }

    public async Task<ViewRow?> GetAsync(ViewKey key, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT partition, sort, body, applied, revision FROM views WHERE partition = $p AND sort = $s";
        command.Parameters.AddWithValue("$p", key.Partition);
        command.Parameters.AddWithValue("$s", key.Sort);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadRow(reader) : null;
    }

    public Task<IReadOnlyList<ViewRow>> QueryAsync(string partition, CancellationToken ct) =>
        QueryPartitionAsync(partition, "partition, sort, body, applied, revision", ReadRow, ct);

    public Task<IReadOnlyList<string>> QueryBodiesAsync(string partition, CancellationToken ct) =>
        QueryPartitionAsync(partition, "body", reader => reader.GetString(0), ct);

    private async Task<IReadOnlyList<T>> QueryPartitionAsync<T>(string partition, string columns, Func<SqliteDataReader, T> read, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {columns} FROM views WHERE partition = $p ORDER BY sort";
        command.Parameters.AddWithValue("$p", partition);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var results = new List<T>();
        while (await reader.ReadAsync(ct)) results.Add(read(reader));
        return results;
    }

    public async Task<bool> TryWriteAsync(ViewRow row, long expectedRevision, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = WriteCommand(connection, null, insert: expectedRevision == 0);
        Bind(command, row, expectedRevision);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    // A row is written only if it is new (insert) or still at the revision the writer read (update).
    private static SqliteCommand WriteCommand(SqliteConnection connection, SqliteTransaction? tx, bool insert)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = insert
            ? "INSERT INTO views (partition, sort, body, applied, revision) VALUES ($p, $s, $b, $a, $r) ON CONFLICT DO NOTHING"
            : "UPDATE views SET body = $b, applied = $a, revision = $r WHERE partition = $p AND sort = $s AND revision = $expected";
        foreach (var name in new[] { "$p", "$s", "$b", "$a", "$r" }) command.Parameters.Add(new SqliteParameter(name, null));
        if (!insert) command.Parameters.Add(new SqliteParameter("$expected", null));
        return command;
    }

    private static void Bind(SqliteCommand command, ViewRow row, long expectedRevision)
    {
        var p = command.Parameters;
        p["$p"].Value = row.Key.Partition;
        p["$s"].Value = row.Key.Sort;
        p["$b"].Value = row.Body;
        p["$a"].Value = JsonSerializer.Serialize(row.Applied, AppliedJson.Default.IReadOnlyDictionaryStringInt64);
        p["$r"].Value = row.Revision;
        if (expectedRevision != 0) p["$expected"].Value = expectedRevision;
    }

    public async Task<IReadOnlyList<long>> DeletePartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = connection.CreateCommand();
        // Range on the primary key instead of LIKE, so '%' or '_' in a prefix mean nothing special.
        command.CommandText = "DELETE FROM views WHERE partition >= $from AND partition < $to";
        var from = command.Parameters.Add("$from", SqliteType.Text);
        var to = command.Parameters.Add("$to", SqliteType.Text);
        var deleted = new long[partitionPrefixes.Count];
        for (var i = 0; i < deleted.Length; i++)
        {
            from.Value = partitionPrefixes[i];
            to.Value = partitionPrefixes[i] + '\uffff';
            deleted[i] = await command.ExecuteNonQueryAsync(ct);
        }
        return deleted;
    }

    public async Task DeleteAsync(ViewKey key, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM views WHERE partition = $p AND sort = $s";
        command.Parameters.AddWithValue("$p", key.Partition);
        command.Parameters.AddWithValue("$s", key.Sort);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<string>> ListPartitionsAsync(string partitionPrefix, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT partition FROM views WHERE partition >= $from AND partition < $to ORDER BY partition";
        command.Parameters.AddWithValue("$from", partitionPrefix);
        command.Parameters.AddWithValue("$to", partitionPrefix + '\uffff');
        await using var reader = await command.ExecuteReaderAsync(ct);
        var partitions = new List<string>();
        while (await reader.ReadAsync(ct)) partitions.Add(reader.GetString(0));
        return partitions;
    }

    /// <summary>One transaction for the whole batch: a rebuild writes thousands of rows per flush, not one commit each.</summary>
    public async Task WriteBatchAsync(IReadOnlyList<(ViewRow Row, long ExpectedRevision)> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await using var connection = _database.Open();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        using var insert = WriteCommand(connection, tx, insert: true);
        using var update = WriteCommand(connection, tx, insert: false);
        foreach (var (row, expected) in rows)
        {
            var command = expected == 0 ? insert : update;
            Bind(command, row, expected);
            if (await command.ExecuteNonQueryAsync(ct) != 1) throw new ViewWriteConflictException(row.Key);
        }
        await tx.CommitAsync(ct);
    }

    public async Task<string?> GetValueAsync(string name, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM named_values WHERE name = $n";
        command.Parameters.AddWithValue("$n", name);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public async Task SetValueAsync(string name, string value, CancellationToken ct)
    {
        await using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO named_values (name, value) VALUES ($n, $v) ON CONFLICT (name) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$n", name);
        command.Parameters.AddWithValue("$v", value);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static ViewRow ReadRow(SqliteDataReader reader) => new(
        new ViewKey(reader.GetString(0), reader.GetString(1)),
        reader.GetString(2),
        JsonSerializer.Deserialize(reader.GetString(3), AppliedJson.Default.DictionaryStringInt64)!,
        reader.GetInt64(4));
}

/// <summary>A row's applied versions as JSON (generated metadata: no serializer built by reflection at start).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class AppliedJson : System.Text.Json.Serialization.JsonSerializerContext;
