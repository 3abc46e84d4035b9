using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace EventBot.EventStore.Privacy;

/// <summary>A data key ready to use.</summary>
public sealed record DataKey(string KeyId, byte[] Bytes);

/// <summary>
/// The key hierarchy of docs/privacy.md over a <see cref="IKeyStore"/>: guild keys wrapped by the master key, user and
/// value keys wrapped by their guild key, found by HMAC lookups under the lookup key. Reads never create keys.
/// Decrypted keys (and the knowledge that a key is gone) are cached, bounded, for <see cref="CacheTtl"/>.
/// </summary>
public sealed class KeyRing(IKeyStore store, IMasterKey master, TimeProvider time)
{
    private const string LookupKeyId = "klookup";
    private readonly ConcurrentDictionary<string, (byte[]? Key, DateTimeOffset Expires)> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string KeyId, DateTimeOffset Expires)> _lookups = new(StringComparer.Ordinal);
    private byte[]? _lookupKey;

    public int Capacity { get; init; } = 10_000;

    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(5);

    public IKeyStore Store => store;

    public IMasterKey Master => master;

    /// <summary>HMAC-SHA256 (hex) of <paramref name="text"/> under the lookup key.</summary>
    public async Task<string> LookupOfAsync(string text, CancellationToken ct) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(await LookupKeyAsync(ct), Encoding.UTF8.GetBytes(text)));

    public static string UserLookupText(string guildId, string userId) => $"user|{guildId}|{userId}";

    public static string OwnerText(string userId) => $"owner|{userId}";

    public static string ValueLookupText(string guildId, string stream, long version) => $"value|{guildId}|{stream}|{version}";

    public static string GuildLookupText(string guildId) => $"guild|{guildId}";

    public async Task<DataKey?> GuildKeyAsync(string guildId, bool create, CancellationToken ct)
    {
        var lookup = await LookupOfAsync(GuildLookupText(guildId), ct);
        if (await FindAsync(lookup, ct) is { } found) return found;
        if (!create) return null;
        var keyId = FieldCipher.NewKeyId();
        var generated = await master.GenerateAsync(keyId, ct);
        var stored = await store.AddOrGetAsync(new KeyRecord(keyId, lookup, KeyKinds.Guild, guildId, "", master.Id, generated.Wrapped, ""), ct);
        return stored.KeyId == keyId ? Remember(keyId, lookup, generated.Plaintext) : await KeyOfRecordAsync(stored, ct);
    }

    /// <summary>The user's key in this guild; its id is their pseudonym there (<c>~</c> + id).</summary>
    public async Task<DataKey?> UserKeyAsync(string guildId, string userId, bool create, CancellationToken ct)
    {
        var lookup = await LookupOfAsync(UserLookupText(guildId, userId), ct);
        if (await FindAsync(lookup, ct) is { } found) return found;
        if (!create) return null;
        var guild = (await GuildKeyAsync(guildId, create: true, ct))!;
        var keyId = FieldCipher.NewKeyId();
        var plain = RandomNumberGenerator.GetBytes(FieldCipher.KeySize);
        var owner = await LookupOfAsync(OwnerText(userId), ct);
        var sealedId = FieldCipher.Encrypt(keyId, plain, userId, "subject|" + keyId);
        var stored = await store.AddOrGetAsync(new KeyRecord(keyId, lookup, KeyKinds.User, guildId, owner, guild.KeyId, Wrap(guild, keyId, plain), sealedId), ct);
        return stored.KeyId == keyId ? Remember(keyId, lookup, plain) : await KeyOfRecordAsync(stored, ct);
    }

    /// <summary>The key of one value version of a stream; <paramref name="create"/> at append.</summary>
    public async Task<DataKey?> ValueKeyAsync(string guildId, string stream, long version, bool create, CancellationToken ct)
    {
        var lookup = await LookupOfAsync(ValueLookupText(guildId, stream, version), ct);
        if (await FindAsync(lookup, ct) is { } found) return found;
        if (!create) return null;
        var guild = (await GuildKeyAsync(guildId, create: true, ct))!;
        var keyId = FieldCipher.NewKeyId();
        var plain = RandomNumberGenerator.GetBytes(FieldCipher.KeySize);
        var stored = await store.AddOrGetAsync(new KeyRecord(keyId, lookup, KeyKinds.Value, guildId, "", guild.KeyId, Wrap(guild, keyId, plain), ""), ct);
        return stored.KeyId == keyId ? Remember(keyId, lookup, plain) : await KeyOfRecordAsync(stored, ct);
    }

    /// <summary>A key by id, or null once it (or the guild key above it) is destroyed.</summary>
    public async Task<byte[]?> KeyAsync(string keyId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_keys.TryGetValue(keyId, out var cached) && cached.Expires > now) return cached.Key;
        var record = await store.GetAsync(keyId, ct);
        var key = record is null ? null : await UnwrapAsync(record, ct);
        Cache(_keys, keyId, (key, now + CacheTtl));
        return key;
    }

    /// <summary>The user id a pseudonym stands for (<c>~</c> + key id), or null once the key is gone.</summary>
    public async Task<string?> SubjectOfAsync(string keyId, CancellationToken ct)
    {
        var key = await KeyAsync(keyId, ct);
        if (key is null) return null;
        var record = await store.GetAsync(keyId, ct);
        return record is null || record.Sealed.Length == 0 ? null : FieldCipher.TryDecrypt(record.Sealed, key, "subject|" + keyId);
    }

    /// <summary>Destroys keys for good and forgets them here at once (other processes within <see cref="CacheTtl"/>).</summary>
    public async Task<int> DestroyAsync(IReadOnlyList<KeyRecord> records, CancellationToken ct)
    {
        var deleted = await store.DeleteAsync(records, ct);
        var gone = DateTimeOffset.MaxValue;
        foreach (var record in records)
        {
            _keys[record.KeyId] = (null, gone);
            _lookups.TryRemove(record.Lookup, out _);
        }
        return deleted;
    }

    /// <summary>
    /// Forgets every cached key and lookup (not the lookup key, which no erasure destroys): the next read asks the store.
    /// The projector calls it when it meets an erasure event, whose keys another process destroyed before appending it,
    /// so its re-projection cannot reveal with a key it still holds in memory.
    /// </summary>
    public void ForgetCached()
    {
        _keys.Clear();
        _lookups.Clear();
    }

    private async Task<DataKey?> FindAsync(string lookup, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_lookups.TryGetValue(lookup, out var cached) && cached.Expires > now
            && _keys.TryGetValue(cached.KeyId, out var key) && key.Key is not null && key.Expires > now)
            return new DataKey(cached.KeyId, key.Key);
        var record = await store.FindAsync(lookup, ct);
        return record is null ? null : await KeyOfRecordAsync(record, ct);
    }

    private async Task<DataKey?> KeyOfRecordAsync(KeyRecord record, CancellationToken ct)
    {
        var key = await UnwrapAsync(record, ct);
        return key is null ? null : Remember(record.KeyId, record.Lookup, key);
    }

    private DataKey Remember(string keyId, string lookup, byte[] key)
    {
        var expires = time.GetUtcNow() + CacheTtl;
        Cache(_keys, keyId, (key, expires));
        Cache(_lookups, lookup, (keyId, expires));
        return new DataKey(keyId, key);
    }

    private void Cache<T>(ConcurrentDictionary<string, T> cache, string id, T value)
    {
        // Bounded: past the capacity the cache starts again (keys are cheap to unwrap again; KMS is called per guild key only).
        if (cache.Count >= Capacity) cache.Clear();
        cache[id] = value;
    }

    private async Task<byte[]?> UnwrapAsync(KeyRecord record, CancellationToken ct)
    {
        if (record.WrappedBy == master.Id) return await master.UnwrapAsync(record.KeyId, record.Wrapped, ct);
        var parent = await KeyAsync(record.WrappedBy, ct);
        return parent is null ? null : FieldCipher.TryOpen(parent, Convert.FromBase64String(record.Wrapped), Encoding.UTF8.GetBytes(record.KeyId));
    }

    private static string Wrap(DataKey parent, string keyId, byte[] plain) =>
        Convert.ToBase64String(FieldCipher.Seal(parent.Bytes, plain, Encoding.UTF8.GetBytes(keyId)));

    private async Task<byte[]> LookupKeyAsync(CancellationToken ct)
    {
        if (_lookupKey is { } known) return known;
        // Racing first calls may both read it; the store keeps one (AddOrGet), so both end with the same key.
        var record = await store.GetAsync(LookupKeyId, ct);
        if (record is null)
        {
            var generated = await master.GenerateAsync(LookupKeyId, ct);
            record = await store.AddOrGetAsync(new KeyRecord(LookupKeyId, KeyKinds.Lookup, KeyKinds.Lookup, "", "", master.Id, generated.Wrapped, ""), ct);
            if (record.Wrapped == generated.Wrapped) return _lookupKey = generated.Plaintext;
        }
        return _lookupKey = await master.UnwrapAsync(record.KeyId, record.Wrapped, ct);
    }
}
