using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Privacy;

/// <summary>
/// <see cref="LegacyErasure"/>: a rewritten legacy event reads (revealed) exactly like the same event stored encrypted
/// and crypto-erased, and an event already encrypted, already rewritten or about someone else is left alone.
/// </summary>
public sealed class LegacyErasureTests
{
    private const string Guild = "1001";
    private const ulong Zeb = 555, Alice = 777;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly EventCodec _codec = EventCodec.Default;
    private readonly SqliteEventStore _raw;
    private readonly KeyRing _ring;
    private readonly PrivateEventStore _store;

    public LegacyErasureTests()
    {
        var database = new SqliteDatabase(Path.Combine(_dir, "events.db"));
        _raw = new SqliteEventStore(database, _time);
        _ring = new KeyRing(new SqliteKeyStore(database), LocalKeyFile.OpenOrCreate(Path.Combine(_dir, "eventbot.key")), _time);
        _store = PrivateEventStore.Wrap(_raw, new EventPrivacy(_ring));
    }

    private EventData Given(ulong giver, ulong target, string reason) =>
        _codec.Encode(new SparkleEvent.SparkleGiven(giver, giver == Zeb ? "Zeb" : "Alice", target, target == Zeb ? "Zeb" : "Alice", reason, _time.GetUtcNow()));

    private static AppendContext By(ulong id, string source) => new(Guild, id.ToString(System.Globalization.CultureInfo.InvariantCulture), id == Zeb ? "Zeb" : "Alice", source);

    [Fact]
    public async Task A_rewritten_legacy_sparkle_reads_like_a_crypto_erased_one()
    {
        // New: encrypted through the privacy layer, then Zeb's keys are destroyed.
        await _store.AppendAsync(new StreamName($"sparkle/{Guild}/{Alice}"), 0, [Given(Zeb, Alice, "for the tea")], By(Zeb, "new"), default);
        var zebKey = await _ring.UserKeyAsync(Guild, Zeb.ToString(System.Globalization.CultureInfo.InvariantCulture), create: false, default);
        await _ring.DestroyAsync(await _ring.Store.ListAsync(null, await _ring.LookupOfAsync(KeyRing.OwnerText(Zeb.ToString(System.Globalization.CultureInfo.InvariantCulture)), default), default), default);
        // Legacy: the same sparkle in plaintext, in the stream named with alice's raw id, rewritten with the pseudonym of the key just destroyed.
        var legacyStream = new StreamName($"sparkle/{Guild}/{Alice}");
        await _raw.AppendAsync(legacyStream, 0, [Given(Zeb, Alice, "for the tea")], By(Zeb, "legacy"), default);
        var legacy = (await _raw.ReadStreamAsync(legacyStream, 1, default)).Single();
        var erasure = LegacyErasure.ForUser(Zeb.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => Erased.PseudonymMark + zebKey!.KeyId);

        var rewritten = erasure.Rewrite(legacy)!;
        Assert.Equal(1, await _raw.RewriteAsync([new EventRewrite(legacy, rewritten)], default));

        var crypto = (await _store.ReadStreamAsync(new StreamName($"sparkle/{Guild}/{Alice}"), 1, default)).Single();
        var stored = (await _raw.ReadStreamAsync(legacyStream, 1, default)).Single();
        var revealed = await _store.Privacy.RevealAsync(stored, default);
        Assert.Equal(crypto.Data, revealed.Data);
        Assert.Equal((crypto.ActorId, crypto.ActorName), (revealed.ActorId, revealed.ActorName));
        var given = (SparkleEvent.SparkleGiven)_codec.Decode(revealed);
        Assert.Equal((Erased.Anonymous(Erased.PseudonymMark + zebKey!.KeyId), Erased.User, Alice, "Alice", Erased.Text),
            (given.GiverId, given.GiverName, given.TargetId, given.TargetName, given.Reason));
        var encrypted = (await _raw.ReadStreamAsync(new StreamName((await _store.Privacy.StoredStreamAsync(legacyStream.Value, false, default))!), 1, default)).Single();
        Assert.Null(erasure.Rewrite(encrypted)); // stored encrypted: nothing in plaintext
        Assert.Null(erasure.Rewrite(stored)); // already rewritten
    }

    [Fact]
    public async Task Forget_touches_only_the_users_fields_and_the_user_stream_is_named_for_the_move()
    {
        await _raw.AppendAsync(new StreamName($"sparkle/{Guild}/{Zeb}"), 0, [Given(Alice, Zeb, "for the knots")], By(Alice, "a"), default);
        var e = (await _raw.ReadStreamAsync(new StreamName($"sparkle/{Guild}/{Zeb}"), 1, default)).Single();
        var erasure = LegacyErasure.ForUser(Zeb.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => "~kzeb");

        var rewritten = erasure.Rewrite(e)!;

        Assert.True(erasure.IsErasedUserStream(e.StreamId, out var guild, out var user));
        Assert.Equal((Guild, Zeb.ToString(System.Globalization.CultureInfo.InvariantCulture)), (guild, user));
        Assert.Equal((e.ActorId, e.ActorName), (rewritten.ActorId, rewritten.ActorName)); // alice gave it: her identity stays
        Assert.Contains("\"reason\":\"for the knots\"", rewritten.Data); // what alice wrote stays hers
        Assert.Contains("\"targetId\":\"~kzeb\"", rewritten.Data);
        Assert.Contains("\"targetName\":\"[erased user]\"", rewritten.Data);
        Assert.Null(LegacyErasure.ForUser("999", _ => "~kx").Rewrite(e));
    }

    [Fact]
    public async Task Redact_erases_the_version_and_the_next_ones_previous_value_only()
    {
        var stream = new StreamName($"remember/{Guild}/door");
        await _raw.AppendAsync(stream, 0, [_codec.Encode(new RememberEvent.ValueRemembered("door", "1111", null))], By(Alice, "r1"), default);
        await _raw.AppendAsync(stream, 1, [_codec.Encode(new RememberEvent.ValueRemembered("door", "2222", "1111"))], By(Alice, "r2"), default);
        await _raw.AppendAsync(stream, 2, [_codec.Encode(new RememberEvent.ValueRemembered("door", "3333", "2222"))], By(Alice, "r3"), default);
        var events = await _raw.ReadStreamAsync(stream, 1, default);
        var erasure = LegacyErasure.ForValue(Guild, stream.Value, 2);

        Assert.Null(erasure.Rewrite(events[0]));
        Assert.Equal("""{"key":"door","value":"[redacted]","previousValue":"1111"}""", erasure.Rewrite(events[1])!.Data);
        Assert.Equal("""{"key":"door","value":"3333","previousValue":"[redacted]"}""", erasure.Rewrite(events[2])!.Data);
        Assert.Equal(events[1].ActorName, erasure.Rewrite(events[1])!.ActorName);
    }
}
