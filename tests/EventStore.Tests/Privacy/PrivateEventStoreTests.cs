using System.Text;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using EventBot.EventStore.Tests.Contract;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Privacy;

/// <summary>The event store contract holds through the privacy layer too.</summary>
public sealed class PrivateSqliteEventStoreContractTests : EventStoreContract
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IEventStore> CreateStoreAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_dir, "events.db"));
        var ring = new KeyRing(new SqliteKeyStore(database), LocalKeyFile.OpenOrCreate(Path.Combine(_dir, "eventbot.key")), Time);
        return Task.FromResult<IEventStore>(PrivateEventStore.Wrap(new SqliteEventStore(database, Time), new EventPrivacy(ring)));
    }
}

public sealed class PrivateEventStoreTests : IDisposable
{
    private const string Guild = "1001";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly SqliteDatabase _database;
    private readonly KeyRing _ring;
    private readonly PrivateEventStore _store;

    private IPositionedEventReader Positioned => (IPositionedEventReader)_store;
    private readonly EventCodec _codec = EventCodec.Default;

    public PrivateEventStoreTests()
    {
        _database = new SqliteDatabase(Path.Combine(_dir, "events.db"));
        _ring = new KeyRing(new SqliteKeyStore(_database), LocalKeyFile.OpenOrCreate(Path.Combine(_dir, "eventbot.key")), _time);
        _store = PrivateEventStore.Wrap(new SqliteEventStore(_database, _time), new EventPrivacy(_ring));
    }

    private static AppendContext Actor(string id, string name, string source) => new(Guild, id, name, source);

    private Task<AppendResult> SparkleAsync(ulong giver, string giverName, ulong target, string targetName, string reason, string source, long expected = 0) =>
        _store.AppendAsync(new StreamName(SparkleStream.For(GuildId.Parse(Guild), new UserId(target))), expected,
            [_codec.Encode(new SparkleEvent.SparkleGiven(giver, giverName, target, targetName, reason, _time.GetUtcNow()))],
            Actor(giver.ToString(System.Globalization.CultureInfo.InvariantCulture), giverName, source), default);

    private string RawFiles()
    {
        _database.Checkpoint();
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(_dir).Where(f => !f.EndsWith(".key", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            text.Append(Encoding.UTF8.GetString(memory.ToArray()));
        }
        return text.ToString();
    }

    [Fact]
    public async Task Stored_events_hold_no_id_name_or_reason_but_read_back_as_written()
    {
        await SparkleAsync(111111111111111111, "Alice Liddell", 222222222222222222, "Bob Tables", "fixed the wifi at midnight", "m1");

        var raw = RawFiles();
        foreach (var secret in new[] { "111111111111111111", "222222222222222222", "Alice Liddell", "Bob Tables", "fixed the wifi" })
            Assert.DoesNotContain(secret, raw);

        var stream = new StreamName(SparkleStream.For(GuildId.Parse(Guild), new UserId(222222222222222222)));
        var read = Assert.Single(await _store.ReadStreamAsync(stream, 1, default));
        Assert.Equal(stream.Value, read.StreamId);
        Assert.Equal("111111111111111111", read.ActorId);
        Assert.Equal("Alice Liddell", read.ActorName);
        var given = Assert.IsType<SparkleEvent.SparkleGiven>(_codec.Decode(read));
        Assert.Equal((111111111111111111UL, "Alice Liddell", 222222222222222222UL, "Bob Tables", "fixed the wifi at midnight"),
            (given.GiverId, given.GiverName, given.TargetId, given.TargetName, given.Reason));
        Assert.Equal(read, Assert.Single(await Positioned.ReadAfterPositionAsync(0, 10, default)));
        Assert.Equal(read, Assert.Single(await _store.ReadGuildHistoryAsync(Guild, "sparkle", 0, 10, default)));
    }

    [Fact]
    public async Task Only_events_with_nothing_to_reveal_count_as_plain_and_they_read_back_as_the_same_envelope()
    {
        await SparkleAsync(111, "Alice", 222, "Bob", "for the cake", "m1");
        var remember = new StreamName(RememberStream.For(GuildId.Parse(Guild), MemoryKey.Parse("wifi")));
        await _store.AppendAsync(remember, 0, [_codec.Encode(new RememberEvent.ValueRemembered("wifi", "hunter2", null))], Actor("111", "Alice", "m2"), default);
        // Written before the privacy layer: plaintext, straight into the inner store.
        var legacy = new StreamName(RememberStream.For(GuildId.Parse(Guild), MemoryKey.Parse("door")));
        await _store.Inner.AppendAsync(legacy, 0, [_codec.Encode(new RememberEvent.ValueRemembered("door", "1234", null))], Actor("111", "Alice", "m3"), default);

        var stored = await ((IPositionedEventReader)_store.Inner).ReadAfterPositionAsync(0, 10, default);

        Assert.Equal([false, false, true], stored.Select(EventPrivacy.IsPlain));
        var revealed = await Positioned.ReadAfterPositionAsync(0, 10, default);
        Assert.Same(stored[2], (await _store.Privacy.RevealAsync(stored, default))[2]);
        Assert.Equal(["for the cake", "hunter2", "1234"], revealed.Select(e => _codec.Decode(e) switch
        {
            SparkleEvent.SparkleGiven g => g.Reason,
            RememberEvent.ValueRemembered r => r.Value,
            var other => other.ToString()!,
        }));
    }

    [Fact]
    public async Task A_forgotten_user_reads_as_erased_and_stays_one_anonymous_person()
    {
        await SparkleAsync(111, "Alice", 222, "Bob", "for the cake", "m1");
        await SparkleAsync(333, "Carol", 222, "Bob", "for the tea", "m2", expected: 1);
        await SparkleAsync(222, "Bob", 111, "Alice", "thanks back", "m3");

        var owner = await _ring.LookupOfAsync(KeyRing.OwnerText("222"), default);
        await _ring.DestroyAsync(await _ring.Store.ListAsync(null, owner, default), default);

        var fresh = PrivateEventStore.Wrap(new SqliteEventStore(_database, _time),
            new EventPrivacy(new KeyRing(new SqliteKeyStore(_database), LocalKeyFile.OpenOrCreate(Path.Combine(_dir, "eventbot.key")), _time)));
        var all = await ((IPositionedEventReader)fresh).ReadAfterPositionAsync(0, 10, default);
        var events = all.Select(e => (SparkleEvent.SparkleGiven)_codec.Decode(e)).ToList();

        // Bob's own stream keeps its pseudonym; the sparkles he got stay counted, to one anonymous id.
        Assert.StartsWith("sparkle/1001/~k", all[0].StreamId);
        Assert.Equal(all[0].StreamId, all[1].StreamId);
        Assert.Equal(Erased.Anonymous(StreamIds.Split(all[0].StreamId).Id), events[0].TargetId);
        Assert.Equal(events[0].TargetId, events[1].TargetId);
        Assert.Equal(events[0].TargetId, events[2].GiverId);
        Assert.Equal([Erased.User, Erased.User, Erased.User], [events[0].TargetName, events[1].TargetName, events[2].GiverName]);
        Assert.Equal(Erased.Text, events[2].Reason); // what Bob wrote
        Assert.Equal(Erased.User, all[2].ActorName);
        // Everyone else is untouched.
        Assert.Equal(("Alice", "for the cake", 111UL), (events[0].GiverName, events[0].Reason, events[0].GiverId));
        Assert.Equal(("Carol", "for the tea"), (events[1].GiverName, events[1].Reason));
        Assert.Equal(("Alice", 111UL), (events[2].TargetName, events[2].TargetId));
        Assert.Equal("sparkle/1001/111", all[2].StreamId);
    }

    [Fact]
    public async Task A_redacted_version_reads_as_redacted_in_its_event_and_as_the_next_ones_previous_value()
    {
        var stream = new StreamName(RememberStream.For(GuildId.Parse(Guild), MemoryKey.Create("wifi").Value));
        await _store.AppendAsync(stream, 0, [_codec.Encode(new RememberEvent.ValueRemembered("wifi", "hunter2", null))], Actor("5", "mod", "m1"), default);
        await _store.AppendAsync(stream, 1, [_codec.Encode(new RememberEvent.ValueRemembered("wifi", "correct horse", "hunter2"))], Actor("5", "mod", "m2"), default);
        Assert.DoesNotContain("hunter2", RawFiles());

        var lookup = await _ring.LookupOfAsync(KeyRing.ValueLookupText(Guild, stream.Value, 1), default);
        await _ring.DestroyAsync([(await _ring.Store.FindAsync(lookup, default))!], default);

        var events = (await _store.ReadStreamAsync(stream, 1, default)).Select(e => (RememberEvent.ValueRemembered)_codec.Decode(e)).ToList();
        Assert.Equal((Erased.Value, "correct horse", Erased.Value), (events[0].Value, events[1].Value, events[1].PreviousValue));
        Assert.Equal("wifi", events[0].Key);
    }

    [Fact]
    public async Task A_ciphertext_copied_into_another_event_reads_as_erased()
    {
        await SparkleAsync(111, "Alice", 222, "Bob", "secret one", "m1");
        await SparkleAsync(111, "Alice", 222, "Bob", "secret two", "m2", expected: 1);
        var inner = (SqliteEventStore)_store.Inner;
        var stored = await inner.ReadAfterPositionAsync(0, 10, default);
        var first = System.Text.Json.Nodes.JsonNode.Parse(stored[0].Data)!;
        var second = System.Text.Json.Nodes.JsonNode.Parse(stored[1].Data)!;
        second["reason"] = first["reason"]!.GetValue<string>();
        var swapped = stored[1] with { Data = second.ToJsonString() };

        var revealed = (SparkleEvent.SparkleGiven)_codec.Decode(await _store.Privacy.RevealAsync(swapped, default));

        Assert.Equal(Erased.Text, revealed.Reason);
    }

    [Fact]
    public async Task Events_stored_before_encryption_read_as_they_are()
    {
        var inner = (SqliteEventStore)_store.Inner;
        var stream = new StreamName(SparkleStream.For(GuildId.Parse(Guild), new UserId(222)));
        await inner.AppendAsync(stream, 0, [_codec.Encode(new SparkleEvent.SparkleGiven(111, "Alice", 222, "Bob", "old times", null))], Actor("111", "Alice", "m0"), default);

        var read = Assert.Single(await Positioned.ReadAfterPositionAsync(0, 10, default));

        Assert.Equal(("sparkle/1001/222", "111", "Alice"), (read.StreamId, read.ActorId, read.ActorName));
        Assert.Equal("old times", ((SparkleEvent.SparkleGiven)_codec.Decode(read)).Reason);
    }

    public void Dispose()
    {
        ((IDisposable)_store.Inner).Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
