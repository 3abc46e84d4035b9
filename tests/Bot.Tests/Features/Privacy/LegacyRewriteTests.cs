using System.Text;
using EventBot.Bot.Features.Privacy;
using EventBot.Bot.Tests.Cli;
using EventBot.Domain.Common;
using EventBot.EventStore;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Tests.Features.Privacy;

/// <summary>
/// Events stored before encryption (docs/privacy.md): an erasure replaces their plaintext in place, so the raw bytes
/// hold nothing of what was erased, the views read like those of crypto-erased events, and <c>replay --verify</c> agrees.
/// </summary>
[Collection(EventBot.Testing.DynamoDbLocalFixture.Collection)]
public sealed class LegacyRewriteTests : IAsyncLifetime
{
    // Distinctive, so a match in the raw bytes is never a coincidence.
    private const string Zeb = "Zebolegacyquux";
    private const string ZebReason = "for the legacy-only zebsecret";
    private const string ZebGot = "for teaching legacyzeb knots";
    private const string ZebValue = "zebvalue-9911";
    private static readonly ChatUserLike ZebUser = ChatUserLike.Of(Zeb);
    private static readonly ChatUserLike Alice = ChatUserLike.Of("alice");
    private static readonly ChatUserLike Carol = ChatUserLike.Of("carol");
    private BotHarness _h = null!;
    private LegacySeed _legacy = null!;

    public async Task InitializeAsync()
    {
        _h = await BotHarness.StartAsync(configure: services => services.AddSingleton(sp => new Rebuilder(sp.GetRequiredService<IEventReader>(),
            sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>(),
            sp.GetRequiredService<ProjectionSignals>(), sp.GetRequiredService<ILoggerFactory>())
        { FlipSettle = TimeSpan.Zero }));
        _legacy = new LegacySeed(Raw, _h.Time.GetUtcNow().AddDays(-30));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private IEventStore Raw => _h.Host.Services.GetRequiredService<PrivateEventStore>().Inner;

    private static string ZebId => ZebUser.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task SeedZebAsync(GuildId guild)
    {
        await _legacy.RememberAsync(guild, "wifi", ZebValue, ZebUser);
        await _legacy.SparkleAsync(guild, ZebUser, Alice, ZebReason);
        await _legacy.SparkleAsync(guild, Alice, ZebUser, ZebGot);
        await _legacy.SparkleAsync(guild, Carol, ZebUser, "for the cake");
        await _legacy.PlayAsync(guild, ZebUser);
        await _legacy.PlayAsync(guild, ZebUser);
        await _legacy.PlayAsync(guild, Alice);
        await _legacy.RememberAsync(guild, "lunch", "pizza", Alice);
    }

    /// <summary>The file and the bytes around the first place <paramref name="secret"/> is found in the data directory, or null.</summary>
    private string? FindIn(string secret)
    {
        foreach (var file in Directory.GetFiles(_h.DataDir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".key", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            foreach (var encoding in new[] { Encoding.UTF8, Encoding.Unicode })
            {
                var text = encoding.GetString(memory.ToArray());
                var at = text.IndexOf(secret, StringComparison.Ordinal);
                if (at >= 0) return $"{secret} in {Path.GetFileName(file)}: …{text[Math.Max(0, at - 300)..Math.Min(text.Length, at + 200)].Replace("\0", "")}…";
            }
        }
        return null;
    }

    private async Task<List<EventEnvelope>> AllEventsAsync()
    {
        var all = new List<EventEnvelope>();
        await foreach (var e in Raw.ReadAllAsync(default)) all.Add(e);
        return all;
    }

    private async Task<int> ReplayVerifyAsync()
    {
        var (exit, _, error) = await CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _h.DataDir }, "replay", "--verify");
        Assert.True(exit == 0, error);
        return exit;
    }

    /// <summary>The reply once it holds <paramref name="expected"/>: raw appends wake the tail, but no command waits for them.</summary>
    private async Task<string?> EventuallyAsync(string command, string user, string expected, GuildId? guild = null)
    {
        string? reply = null;
        for (var i = 0; i < 300 && !(reply ?? "").Contains(expected, StringComparison.Ordinal); i++)
        {
            if (i > 0) await Task.Delay(100);
            reply = await _h.SayAsync(command, user: user, guild: guild);
        }
        return reply;
    }

    [Fact]
    public async Task After_forget_me_no_byte_holds_the_legacy_users_id_name_or_reasons_and_others_are_unchanged()
    {
        await SeedZebAsync(BotHarness.Guild);
        await _h.SayAsync(".sparkle @carol for the new-era tea", user: Zeb); // a key of theirs too: legacy and new mixed
        Assert.Contains(Zeb, await EventuallyAsync(".show sparkles @alice", "alice", Zeb));
        Assert.Contains("pizza", await EventuallyAsync(".remember lunch", "alice", "pizza"));
        var aliceLunch = await _h.SayAsync(".remember lunch", user: "alice");
        var alicePlays = (await AllEventsAsync()).Single(e => e.StreamId == $"play/{BotHarness.Guild}/{Alice.Id}");
        foreach (var secret in new[] { Zeb, ZebReason, ZebId })
            Assert.NotNull(FindIn(secret)); // the legacy events hold them in plaintext: the checks below can fail

        await _h.SayAsync(".privacy forget-me", user: Zeb);
        Assert.StartsWith("You are forgotten", await _h.SayAsync(".privacy forget-me confirm", user: Zeb));

        foreach (var secret in new[] { Zeb, ZebReason, "legacy-only", ZebId })
            Assert.Null(FindIn(secret));
        // What others wrote to them stays theirs; the value they set stays, without their name.
        Assert.NotNull(FindIn(ZebGot));
        Assert.Equal($"`wifi` is {ZebValue}", await _h.SayAsync(".remember wifi", user: "alice"));
        Assert.Equal(aliceLunch, await _h.SayAsync(".remember lunch", user: "alice"));
        var aliceSparkles = await _h.SayAsync(".show sparkles @alice", user: "alice");
        Assert.Contains("[erased user]", aliceSparkles);
        Assert.Contains("[erased]", aliceSparkles);
        Assert.Contains("[erased user]", await _h.SayAsync(".leaderboard sparkles", user: "alice"));
        Assert.DoesNotContain(Zeb, await _h.SayAsync(".remember history wifi", user: "alice"));
        var events = await AllEventsAsync();
        Assert.Equal(alicePlays, events.Single(e => e.StreamId == $"play/{BotHarness.Guild}/{Alice.Id}"));
        // The user streams moved to pseudonymous names, versions and event ids kept; the rewrite is in the server's log.
        Assert.Equal(2, events.Count(e => e.Type == "GamePlayed" && Erased.IsPseudonym(StreamIds.Split(e.StreamId).Id)));
        var log = events.Where(e => e.StreamId == $"privacy/{BotHarness.Guild}/log").Select(e => e.Type).ToList();
        Assert.Contains("LegacyEventsRewritten", log);
        Assert.Equal(0, await ReplayVerifyAsync());
    }

    [Fact]
    public async Task The_rewrite_run_again_changes_nothing()
    {
        await SeedZebAsync(BotHarness.Guild);
        var rewrite = _h.Host.Services.GetRequiredService<LegacyRewrite>();
        var actor = ErasureActor.Operator("test");

        var first = await rewrite.ForgetUserAsync(ZebId, [], actor, default);
        var afterFirst = await AllEventsAsync();
        var second = await rewrite.ForgetUserAsync(ZebId, [], actor, default);
        var purgeFirst = await rewrite.PurgeGuildAsync(BotHarness.Guild.ToString(), actor, default);
        var afterPurge = await AllEventsAsync();
        var purgeSecond = await rewrite.PurgeGuildAsync(BotHarness.Guild.ToString(), actor, default);

        // The first run did rewrite (so the comparisons below are not of two untouched tables) ...
        // Zeb's 6 events: the value set, the sparkle given (in alice's stream), the 2 received and the 2 games (their 2 streams moved).
        Assert.Equal((6, 2, 1), (first.Events, first.Streams, first.Guilds));
        Assert.True(purgeFirst.Events > 0); // alice's and carol's events are the guild's too
        // ... and a second run of each finds nothing to do and writes nothing, not even a log event.
        Assert.Equal((0, 0, 0), (second.Events, second.Streams, second.Guilds));
        Assert.Equal((0, 0, 0), (purgeSecond.Events, purgeSecond.Streams, purgeSecond.Guilds));
        Assert.Equal(afterPurge, await AllEventsAsync());
        Assert.NotEqual(afterFirst, afterPurge);
    }

    [Fact]
    public async Task A_redacted_legacy_version_is_gone_from_the_bytes_and_reads_like_a_crypto_redaction()
    {
        await _legacy.RememberAsync(BotHarness.Guild, "door code", "8642-zeblegacycode", Alice);
        await _legacy.RememberAsync(BotHarness.Guild, "door code", "1357", Alice);
        Assert.Equal("`door code` is 1357", await EventuallyAsync(".remember door code", "alice", "1357"));
        Assert.NotNull(FindIn("8642-zeblegacycode"));

        Assert.StartsWith("Redacted v1", await _h.SayAsync(".remember redact door code 1", user: "mod"));

        Assert.Null(FindIn("8642-zeblegacycode"));
        var history = await _h.SayAsync(".remember history door code", user: "alice");
        Assert.Contains("v1 · redacted by mod on", history);
        Assert.Equal("`door code` is 1357", await _h.SayAsync(".remember door code", user: "alice"));
        var doorCode = EventBot.Domain.Remember.RememberStream.For(BotHarness.Guild, EventBot.Domain.Remember.MemoryKey.Parse("door code"));
        var stream = (await AllEventsAsync()).Where(e => e.StreamId == doorCode).OrderBy(e => e.Version).ToList();
        Assert.Contains("\"value\":\"[redacted]\"", stream[0].Data);
        Assert.Contains("\"previousValue\":\"[redacted]\"", stream[1].Data);
        Assert.Contains("\"value\":\"1357\"", stream[1].Data);
        Assert.Equal(0, await ReplayVerifyAsync());
    }

    [Fact]
    public async Task A_purged_legacy_guild_keeps_nothing_readable_and_other_guilds_are_intact()
    {
        var other = GuildId.FromName("other-server");
        await SeedZebAsync(BotHarness.Guild);
        await _legacy.SparkleAsync(other, Alice, Carol, "for the keep-me-otherguild reason");
        await _legacy.RememberAsync(other, "gate", "keepme-5566", Carol);
        // Legacy events predate the upgrade, so the live projector applied them long before any purge. Without this wait
        // its tail could still be writing a batch it read before the purge's rewrite (a loaded full run saw the purged text once).
        Assert.Contains("pizza", await EventuallyAsync(".remember lunch", "alice", "pizza"));
        Assert.Contains("keepme-5566", await EventuallyAsync(".remember gate", "carol", "keepme-5566", other));

        var (exit, _, error) = await CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _h.DataDir }, "privacy", "purge-guild", "--guild", "test-server");

        Assert.True(exit == 0, error);
        foreach (var secret in new[] { Zeb, ZebReason, ZebGot, ZebValue, ZebId, "for the cake" })
            Assert.Null(FindIn(secret));
        Assert.NotNull(FindIn("keep-me-otherguild"));
        Assert.NotNull(FindIn("keepme-5566"));
        var events = await AllEventsAsync();
        Assert.All(events.Where(e => e.GuildId == BotHarness.Guild.ToString() && !e.StreamId.StartsWith("privacy/", StringComparison.Ordinal)),
            e => Assert.True(Erased.IsPseudonym(e.ActorId), $"{e.StreamId} v{e.Version} actor {e.ActorId}"));
        Assert.All(events.Where(e => e.GuildId == other.ToString()), e => Assert.False(Erased.IsPseudonym(e.ActorId)));
        Assert.Equal(0, await ReplayVerifyAsync());
    }

    [Fact]
    public async Task A_user_known_only_from_legacy_events_is_forgotten_by_the_operator_verb()
    {
        await SeedZebAsync(BotHarness.Guild);

        var (exit, _, error) = await CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _h.DataDir }, "privacy", "rewrite-legacy", "--user", ZebId, "--dry-run");
        Assert.True(exit == 0, error);
        Assert.NotNull(FindIn(ZebReason)); // a dry run writes nothing
        Assert.DoesNotContain(await AllEventsAsync(), e => e.Type == "LegacyEventsRewritten");

        (exit, _, error) = await CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _h.DataDir }, "privacy", "forget", "--user", ZebId);

        Assert.True(exit == 0, error);
        foreach (var secret in new[] { Zeb, ZebReason, ZebId })
            Assert.Null(FindIn(secret));
        Assert.Equal(0, await ReplayVerifyAsync());
    }
}
