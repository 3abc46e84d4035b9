using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Privacy;

/// <summary>On SQLite, as on DynamoDB, a value version's new key goes in the append's own transaction (the contract).</summary>
public sealed class PrivateSqliteAppendTests : PrivateAppendWithKeysContract, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;

    public PrivateSqliteAppendTests() => _database = new SqliteDatabase(Path.Combine(_dir, "events.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    protected override (PrivateEventStore Store, KeyRing Ring, IKeyStore Keys) Process()
    {
        var keys = new SqliteKeyStore(_database);
        var ring = new KeyRing(keys, LocalKeyFile.OpenOrCreate(Path.Combine(_dir, "eventbot.key")), Time);
        return (PrivateEventStore.Wrap(new SqliteEventStore(_database, Time), new EventPrivacy(ring)), ring, keys);
    }

    [Fact]
    public void The_store_carries_the_keys_of_its_own_file_only()
    {
        var (_, _, keys) = Process();
        using var events = new SqliteEventStore(_database, Time);

        Assert.True(events.AddsKeysOf(keys));
        Assert.False(events.AddsKeysOf(new SqliteKeyStore(new SqliteDatabase(Path.Combine(_dir, "other.db")))));
    }
}
