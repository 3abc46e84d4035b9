using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Privacy;

/// <summary>
/// On SQLite, as on DynamoDB, a value version's new key is added in the append's own transaction when the keys table is
/// in the same file (one commit per append, not a key commit first): it exists exactly when its version was written, a
/// refused or redelivered append leaves none, and a key made on its own before an append that never landed is still
/// the one used.
/// </summary>
public sealed class PrivateSqliteAppendTests : IDisposable
{
    private const string Guild = "1001";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly EventCodec _codec = EventCodec.Default;
    private readonly SqliteDatabase _database;
    private static readonly StreamName Stream = new(RememberStream.For(GuildId.Parse(Guild), MemoryKey.Parse("wifi")));

    public PrivateSqliteAppendTests() => _database = new SqliteDatabase(Path.Combine(_dir, "events.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>A process of its own: its own key ring (empty caches) and writer over the same file and master key.</summary>
    private (PrivateEventStore Store, KeyRing Ring, SqliteKeyStore Keys) Process()
    {
        var keys = new SqliteKeyStore(_database);
        var ring = new KeyRing(keys, LocalKeyFile.OpenOrCreate(Path.Combine(_dir, "eventbot.key")), _time);
        return (PrivateEventStore.Wrap(new SqliteEventStore(_database, _time), new EventPrivacy(ring)), ring, keys);
    }

    private EventData Remembered(string value, string? previous) => _codec.Encode(new RememberEvent.ValueRemembered("wifi", value, previous));

    private static AppendContext From(string source) => new(Guild, "42", "alice", source);

    private static string ValueOf(EventEnvelope e, EventCodec codec) => ((RememberEvent.ValueRemembered)codec.Decode(e)).Value;

    private static async Task<long> ValueKeysAsync(SqliteKeyStore keys) => (await keys.CountAsync(default)).GetValueOrDefault(KeyKinds.Value);

    [Fact]
    public void The_store_carries_the_keys_of_its_own_file_only()
    {
        var (_, _, keys) = Process();
        using var events = new SqliteEventStore(_database, _time);

        Assert.True(events.AddsKeysOf(keys));
        Assert.False(events.AddsKeysOf(new SqliteKeyStore(new SqliteDatabase(Path.Combine(_dir, "other.db")))));
    }

    [Fact]
    public async Task Keys_written_with_the_append_read_back_in_another_process_including_a_previous_value_keyed_in_the_same_append()
    {
        var (store, _, keys) = Process();

        var result = await store.AppendAsync(Stream, 0, [Remembered("one", null), Remembered("two", "one")], From("m1"), default);

        Assert.IsType<AppendResult.Appended>(result);
        Assert.Equal(2, await ValueKeysAsync(keys));
        var (other, otherRing, _) = Process();
        var read = await other.ReadStreamAsync(Stream, 1, default);
        Assert.Equal(["one", "two"], read.Select(e => ValueOf(e, _codec)));
        Assert.Equal("one", ((RememberEvent.ValueRemembered)_codec.Decode(read[1])).PreviousValue);
        Assert.NotNull(await otherRing.ValueKeyAsync(Guild, Stream.Value, 1, create: false, default));
        Assert.NotNull(await otherRing.ValueKeyAsync(Guild, Stream.Value, 2, create: false, default));
    }

    [Fact]
    public async Task A_refused_append_leaves_no_key_behind()
    {
        var (store, _, keys) = Process();
        await store.AppendAsync(Stream, 0, [Remembered("one", null)], From("m1"), default);

        var late = await store.AppendAsync(Stream, 0, [Remembered("uno", null)], From("m2"), default);

        Assert.Equal(new AppendResult.WrongExpectedVersion(0, 1), late);
        Assert.Equal(1, await ValueKeysAsync(keys));
        Assert.Equal(["one"], (await Process().Store.ReadStreamAsync(Stream, 1, default)).Select(e => ValueOf(e, _codec)));
    }

    [Fact]
    public async Task A_redelivered_message_that_would_append_again_appends_once()
    {
        var (store, _, keys) = Process();
        await store.AppendAsync(Stream, 0, [Remembered("one", null)], From("m1"), default);
        await store.AppendAsync(Stream, 1, [Remembered("two", "one")], From("m2"), default);

        var again = await store.AppendAsync(Stream, 2, [Remembered("one", "two")], From("m1"), default);

        Assert.Equal(new AppendResult.AlreadyProcessed(Stream.Value, 1, 1), again);
        Assert.Equal(["one", "two"], (await Process().Store.ReadStreamAsync(Stream, 1, default)).Select(e => ValueOf(e, _codec)));
        Assert.Equal(2, await ValueKeysAsync(keys));
    }

    [Fact]
    public async Task A_key_made_before_an_append_that_never_landed_is_the_one_used_and_the_failed_attempt_wrote_nothing()
    {
        var (store, ring, keys) = Process();
        // An older process stored version 1's key on its own, then its append never landed.
        var orphan = (await Process().Ring.ValueKeyAsync(Guild, Stream.Value, 1, create: true, default))!;

        var result = await store.AppendAsync(Stream, 0, [Remembered("one", null)], From("m1"), default);

        var appended = Assert.IsType<AppendResult.Appended>(result);
        Assert.Equal("one", ValueOf(appended.Events[0], _codec));
        Assert.Equal(1, await ValueKeysAsync(keys));
        Assert.Equal(orphan.KeyId, (await ring.ValueKeyAsync(Guild, Stream.Value, 1, create: false, default))!.KeyId);
        var read = Assert.Single(await Process().Store.ReadStreamAsync(Stream, 1, default));
        Assert.Equal("one", ValueOf(read, _codec));
    }
}
