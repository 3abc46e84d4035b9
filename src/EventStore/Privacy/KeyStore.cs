namespace EventBot.EventStore.Privacy;

/// <summary>Which branch of the key hierarchy a key is (docs/privacy.md).</summary>
public static class KeyKinds
{
    public const string Lookup = "lookup";
    public const string Guild = "guild";
    public const string User = "user";
    public const string Value = "value";
}

/// <summary>
/// One stored data key, wrapped. <see cref="Lookup"/> finds it (an HMAC of what it is for, unique),
/// <see cref="Owner"/> finds every key of one user (user keys), <see cref="WrappedBy"/> is the master key's id or the
/// guild key's id, <see cref="Sealed"/> is the user id encrypted under this very key (user keys; empty otherwise).
/// </summary>
public sealed record KeyRecord(string KeyId, string Lookup, string Kind, string GuildId, string Owner, string WrappedBy, string Wrapped, string Sealed);

/// <summary>Where wrapped keys live: the SQLite file's <c>keys</c> table, or the DynamoDB keys table. Never events.</summary>
public interface IKeyStore
{
    /// <summary>Adds <paramref name="record"/> unless its lookup is taken: returns the record that holds the lookup now (the first one wins a race).</summary>
    Task<KeyRecord> AddOrGetAsync(KeyRecord record, CancellationToken ct);

    Task<KeyRecord?> GetAsync(string keyId, CancellationToken ct);

    Task<KeyRecord?> FindAsync(string lookup, CancellationToken ct);

    /// <summary>Keys of one guild (<paramref name="guildId"/>) or of one owner (<paramref name="owner"/>); rare operations, may scan.</summary>
    Task<IReadOnlyList<KeyRecord>> ListAsync(string? guildId, string? owner, CancellationToken ct);

    /// <summary>Destroys the keys for good (and their lookups). Returns how many existed.</summary>
    Task<int> DeleteAsync(IReadOnlyList<KeyRecord> records, CancellationToken ct);

    /// <summary>Keys per kind.</summary>
    Task<IReadOnlyDictionary<string, long>> CountAsync(CancellationToken ct);
}
