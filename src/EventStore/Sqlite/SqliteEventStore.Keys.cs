using EventBot.EventStore.Privacy;
using Microsoft.Data.Sqlite;

namespace EventBot.EventStore.Sqlite;

/// <summary>
/// New data keys in the append's own transaction (<see cref="IAppendWithKeys"/>), when the key store is the keys table
/// of this same file: one commit per append instead of a commit for each value version's key and then one for the
/// events (a second write transaction per `.remember`, and a lookup read before it), and a key exists exactly when its
/// version was written.
/// </summary>
public sealed partial class SqliteEventStore : IAppendWithKeys
{
    public bool AddsKeysOf(IKeyStore keys) =>
        keys is SqliteKeyStore store && string.Equals(store.Database.FilePath, _database.FilePath, StringComparison.Ordinal);

    public async Task<AppendResult> AppendWithKeysAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData? unfold,
        IReadOnlyList<KeyRecord> keys, AppendContext context, CancellationToken ct)
    {
        var results = await AppendManyAsync([new PendingAppend(stream, expectedVersion, events, context) { Unfold = unfold, Keys = keys }], ct);
        return results[0];
    }

    private static void AddKeys(AppendStatements s, IReadOnlyList<KeyRecord> keys)
    {
        var add = s.AddKey(s.Mark.Transaction!);
        var p = add.Parameters;
        foreach (var key in keys)
        {
            p[0].Value = key.KeyId;
            p[1].Value = key.Lookup;
            p[2].Value = key.Kind;
            p[3].Value = key.GuildId;
            p[4].Value = key.Owner;
            p[5].Value = key.WrappedBy;
            p[6].Value = key.Wrapped;
            p[7].Value = key.Sealed;
            try
            {
                add.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT)
            {
                // Thrown out of the transaction, which rolls back: nothing is written. A key made on its own before an
                // append that never landed holds the lookup; the caller stores the keys first (finding that one).
                throw new KeysNotAddedException("A new key's lookup is taken.", ex);
            }
        }
    }
}
