using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.EventStore.Privacy;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Privacy;

/// <summary>
/// A value version's new key is added in the append's own transaction (SQLite: when the keys table is in the same file;
/// DynamoDB: in the same TransactWriteItems), one commit per append, not a key commit first: it exists exactly when its
/// version was written, a refused or redelivered append leaves none, and a key made on its own before an append that
/// never landed is still the one used. Run by each store that adds keys with its appends.
/// </summary>
public abstract class PrivateAppendWithKeysContract
{
    protected const string Guild = "1001";
    protected static readonly StreamName Stream = new(RememberStream.For(GuildId.Parse(Guild), MemoryKey.Parse("wifi")));

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    protected static EventCodec Codec => EventCodec.Default;

    /// <summary>A process of its own: its own key ring (empty caches) and store over the same data and master key.</summary>
    protected abstract (PrivateEventStore Store, KeyRing Ring, IKeyStore Keys) Process();

    private static EventData Remembered(string value, string? previous) => Codec.Encode(new RememberEvent.ValueRemembered("wifi", value, previous));

    private static AppendContext From(string source) => new(Guild, "42", "alice", source);

    private static string ValueOf(EventEnvelope e, EventCodec codec) => ((RememberEvent.ValueRemembered)codec.Decode(e)).Value;

    private static async Task<long> ValueKeysAsync(IKeyStore keys) => (await keys.CountAsync(default)).GetValueOrDefault(KeyKinds.Value);

    [Fact]
    public async Task Keys_written_with_the_append_read_back_in_another_process_including_a_previous_value_keyed_in_the_same_append()
    {
        var (store, _, keys) = Process();

        var result = await store.AppendAsync(Stream, 0, [Remembered("one", null), Remembered("two", "one")], From("m1"), default);

        Assert.IsType<AppendResult.Appended>(result);
        Assert.Equal(2, await ValueKeysAsync(keys));
        // The other process finds each version's key by its lookup, as an erasure or the next append does.
        var (other, otherRing, _) = Process();
        var read = await other.ReadStreamAsync(Stream, 1, default);
        Assert.Equal(["one", "two"], read.Select(e => ValueOf(e, Codec)));
        Assert.Equal("one", ((RememberEvent.ValueRemembered)Codec.Decode(read[1])).PreviousValue);
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
        Assert.Equal(["one"], (await Process().Store.ReadStreamAsync(Stream, 1, default)).Select(e => ValueOf(e, Codec)));
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
        Assert.Equal(["one", "two"], (await Process().Store.ReadStreamAsync(Stream, 1, default)).Select(e => ValueOf(e, Codec)));
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
        Assert.Equal("one", ValueOf(appended.Events[0], Codec));
        Assert.Equal(1, await ValueKeysAsync(keys));
        Assert.Equal(orphan.KeyId, (await ring.ValueKeyAsync(Guild, Stream.Value, 1, create: false, default))!.KeyId);
        var read = Assert.Single(await Process().Store.ReadStreamAsync(Stream, 1, default));
        Assert.Equal("one", ValueOf(read, Codec));
    }
}
