using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Tests.Contract;
using EventBot.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Privacy;

/// <summary>The event store contract holds through the privacy layer on DynamoDB too (keys added in the append's transaction).</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class PrivateDynamoDbEventStoreContractTests(DynamoDbLocalFixture dynamo) : EventStoreContract
{
    protected override async Task<IEventStore> CreateStoreAsync()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix)) await dynamo.Client.CreateTableAsync(table);
        var options = new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 3 };
        var dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
        var ring = new KeyRing(new DynamoDbKeyStore(dynamo.Client, options), LocalKeyFile.OpenOrCreate(Path.Combine(dir, "eventbot.key")), Time);
        return PrivateEventStore.Wrap(new DynamoDbEventStore(dynamo.Client, options, Time), new EventPrivacy(ring));
    }
}

/// <summary>
/// On DynamoDB a value version's new key is put in the append's own TransactWriteItems (one round trip, not a key
/// transaction first): it exists exactly when its version was written, a refused or redelivered append leaves none, and
/// a key made on its own before an append that never landed is still the one used.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class PrivateDynamoDbAppendTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private const string Guild = "1001";
    private readonly string _prefix = $"t{Guid.NewGuid():N}-";
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"), "eventbot.key");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly EventCodec _codec = EventCodec.Default;
    private static readonly StreamName Stream = new(RememberStream.For(GuildId.Parse(Guild), MemoryKey.Parse("wifi")));

    private DynamoDbStoreOptions Options => new() { TablePrefix = _prefix };

    public async Task InitializeAsync()
    {
        foreach (var table in EventBotTables.All(_prefix)) await dynamo.Client.CreateTableAsync(table);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A process of its own: its own key ring (empty caches) over the same tables and master key.</summary>
    private (PrivateEventStore Store, KeyRing Ring, DynamoDbKeyStore Keys) Process()
    {
        var keys = new DynamoDbKeyStore(dynamo.Client, Options);
        var ring = new KeyRing(keys, LocalKeyFile.OpenOrCreate(_keyFile), _time);
        return (PrivateEventStore.Wrap(new DynamoDbEventStore(dynamo.Client, Options, _time), new EventPrivacy(ring)), ring, keys);
    }

    private EventData Remembered(string value, string? previous) => _codec.Encode(new RememberEvent.ValueRemembered("wifi", value, previous));

    private static AppendContext From(string source) => new(Guild, "42", "alice", source);

    private static string ValueOf(EventEnvelope e, EventCodec codec) => ((RememberEvent.ValueRemembered)codec.Decode(e)).Value;

    private async Task<long> ValueKeysAsync(DynamoDbKeyStore keys) => (await keys.CountAsync(default)).GetValueOrDefault(KeyKinds.Value);

    [Fact]
    public async Task The_stores_say_whose_keys_an_append_can_carry()
    {
        var (_, _, keys) = Process();
        var events = new DynamoDbEventStore(dynamo.Client, Options, _time);

        Assert.True(events.AddsKeysOf(keys));
        Assert.False(events.AddsKeysOf(new DynamoDbKeyStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = "other-" })));
        using var otherClient = dynamo.CreateClient();
        Assert.False(events.AddsKeysOf(new DynamoDbKeyStore(otherClient, Options)));
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
        // The other process finds each version's key by its lookup, as an erasure or the next append does.
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

        // m1 again, decided on the current state: it would append a third event, but its message was handled.
        var again = await store.AppendAsync(Stream, 2, [Remembered("one", "two")], From("m1"), default);

        Assert.Equal(new AppendResult.AlreadyProcessed(Stream.Value, 1, 1), again);
        Assert.Equal(["one", "two"], (await Process().Store.ReadStreamAsync(Stream, 1, default)).Select(e => ValueOf(e, _codec)));
        Assert.Equal(2, await ValueKeysAsync(keys));
    }

    [Fact]
    public async Task A_key_made_before_an_append_that_never_landed_is_the_one_used()
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
