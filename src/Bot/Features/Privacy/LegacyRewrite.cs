using EventBot.Bot.Hosting;
using EventBot.Domain.Common;
using EventBot.Domain.Privacy;
using EventBot.EventStore;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Features.Privacy;

/// <summary>What the legacy rewrite did (or, in a dry run, would do).</summary>
/// <param name="Skipped">True when <c>EVENTBOT_LEGACY_REWRITE</c> kept it from running in this process.</param>
public sealed record LegacyRewriteResult(int Events, int Streams, int Guilds, bool Skipped = false)
{
    /// <summary>The <c>LegacyEventsRewritten</c> log events appended (one per server): the projector re-projects on each.</summary>
    public IReadOnlyList<EventEnvelope> Logged { get; init; } = [];

    public static readonly LegacyRewriteResult None = new(0, 0, 0);
}

/// <summary>
/// The one sanctioned rewrite of the events table (docs/privacy.md, "Events stored before encryption"). Events written
/// before encryption hold plaintext that destroying keys cannot reach; when an erasure covers them, their personal
/// fields are replaced in place with what a reader shows after a crypto-erasure (<see cref="LegacyErasure"/>), legacy
/// user streams named with a raw user id move to a pseudonymous name, and one <see cref="PrivacyEvent.LegacyEventsRewritten"/>
/// per server records what and how many. Every write is conditional on the stored content (<see cref="IEventRewriter"/>),
/// so running it twice changes nothing the second time. New events never need it: it only ever finds plaintext.
/// </summary>
public sealed partial class LegacyRewrite(PrivateEventStore store, EventCodec codec, IOptions<BotOptions> options, ILogger<LegacyRewrite> logger)
{
    /// <summary>The actor of the log event: never the erased user (appending as them would create a new key for them).</summary>
    private const string RewriterActor = "legacy-rewrite";

    /// <summary>Categories whose events can hold personal plaintext (privacy logs were never written before encryption).</summary>
    private static readonly string[] Categories = ["remember", "sparkle", "play"];

    private IEventStore Raw => store.Inner;

    /// <summary>
    /// Forget-me: every legacy event in which the user is the actor, the giver or the target, in every server. Finding
    /// them reads every event once (the user's servers before encryption are known nowhere else): a SQLite read of the
    /// file, a parallel Scan of the events table on DynamoDB. <paramref name="destroyed"/> (the user keys just
    /// destroyed) gives the pseudonym per server, so legacy and new events of the user count as one anonymous user.
    /// </summary>
    public async Task<LegacyRewriteResult> ForgetUserAsync(string userId, IReadOnlyList<KeyRecord> destroyed, ErasureActor actor, CancellationToken ct, bool dryRun = false)
    {
        if (Skip("user", actor)) return LegacyRewriteResult.None with { Skipped = true };
        var known = destroyed.Where(r => r.Kind == KeyKinds.User).GroupBy(r => r.GuildId).ToDictionary(g => g.Key, g => Erased.PseudonymMark + g.First().KeyId, StringComparer.Ordinal);
        var fresh = new Dictionary<string, string>(StringComparer.Ordinal);
        var erasure = LegacyErasure.ForUser(userId, guild => known.TryGetValue(guild, out var p) ? p : Fresh(fresh, guild));
        var candidates = new List<EventEnvelope>();
        await foreach (var e in Raw.ReadAllAsync(ct))
            if (Concerns(e, userId)) candidates.Add(e);
        return await RewriteAsync(erasure, candidates, actor, dryRun, ct);
    }

    /// <summary>Redact: the value version's own event and the next one's previous value, in the key's own stream (one Query).</summary>
    public async Task<LegacyRewriteResult> RedactAsync(string guildId, string stream, long version, ErasureActor actor, CancellationToken ct, bool dryRun = false)
    {
        if (Skip("value", actor)) return LegacyRewriteResult.None with { Skipped = true };
        var candidates = await Raw.ReadStreamAsync(new StreamName(stream), version, ct);
        return await RewriteAsync(LegacyErasure.ForValue(guildId, stream, version), [.. candidates.Where(e => e.Version <= version + 1)], actor, dryRun, ct);
    }

    /// <summary>Guild purge: every legacy event of the server, found through the guild index (one Query per category, not a Scan).</summary>
    public async Task<LegacyRewriteResult> PurgeGuildAsync(string guildId, ErasureActor actor, CancellationToken ct, bool dryRun = false)
    {
        if (Skip("guild", actor)) return LegacyRewriteResult.None with { Skipped = true };
        if (Raw is not IEventRewriter) return LegacyRewriteResult.None;
        var fresh = new Dictionary<string, string>(StringComparer.Ordinal);
        var candidates = new List<EventEnvelope>();
        foreach (var category in Categories)
            await foreach (var e in Raw.ReadGuildEventsAsync(guildId, category, ct))
                candidates.Add(e);
        return await RewriteAsync(LegacyErasure.ForGuild(guildId, user => Fresh(fresh, user)), candidates, actor, dryRun, ct);
    }

    private bool Skip(string scope, ErasureActor actor)
    {
        var mode = options.Value.LegacyRewrite.ToLowerInvariant();
        var run = Raw is IEventRewriter && (mode == "on" || (mode == "auto" && (Raw is SqliteEventStore || actor.Id == ErasureActor.Operator("").Id)));
        if (!run) Log.Skipped(logger, scope, mode);
        return !run;
    }

    /// <summary>A pseudonym for a user who has no key to lend one: a new key id that is never stored, so nothing links it back.</summary>
    private static string Fresh(Dictionary<string, string> cache, string key)
    {
        if (!cache.TryGetValue(key, out var pseudonym)) cache[key] = pseudonym = Erased.PseudonymMark + FieldCipher.NewKeyId();
        return pseudonym;
    }

    /// <summary>A cheap first filter of the full read: the user is the actor, names the stream, or appears in the data.</summary>
    private static bool Concerns(EventEnvelope e, string userId) =>
        e.ActorId == userId
        || (EventPrivacy.UserStreamCategories.Contains(StreamIds.Category(e.StreamId)) && StreamIds.Split(e.StreamId).Id == userId)
        || (EventPrivacy.Rules.ContainsKey(e.Type) && e.Data.Contains(userId, StringComparison.Ordinal));

    private async Task<LegacyRewriteResult> RewriteAsync(LegacyErasure erasure, IReadOnlyList<EventEnvelope> candidates, ErasureActor actor, bool dryRun, CancellationToken ct)
    {
        var rewriter = (IEventRewriter)Raw;
        var perGuild = new Dictionary<string, (int Events, int Streams)>(StringComparer.Ordinal);
        foreach (var stream in candidates.GroupBy(e => e.StreamId, StringComparer.Ordinal))
        {
            List<EventRewrite> batch;
            var moved = erasure.IsErasedUserStream(stream.Key, out var guild, out var user);
            if (moved)
            {
                // The id in the partition key cannot change in place: every event of the stream moves, at the same versions.
                var target = await MoveTargetAsync(stream.Key, erasure.PseudonymOf(guild, user), ct);
                batch = [.. (await Raw.ReadStreamAsync(new StreamName(stream.Key), 1, ct)).Select(e => new EventRewrite(e, (erasure.Rewrite(e) ?? e) with { StreamId = target }))];
            }
            else
            {
                batch = [.. stream.Select(e => erasure.Rewrite(e) is { } replacement ? new EventRewrite(e, replacement) : null).OfType<EventRewrite>()];
            }
            if (batch.Count == 0) continue;
            var rewritten = dryRun ? batch.Count : await rewriter.RewriteAsync(batch, ct);
            if (rewritten == 0) continue;
            var g = batch[0].Stored.GuildId;
            var (events, streams) = perGuild.GetValueOrDefault(g);
            perGuild[g] = (events + rewritten, streams + (moved ? 1 : 0));
        }
        var logged = new List<EventEnvelope>();
        if (!dryRun)
        {
            foreach (var (guild, (events, streams)) in perGuild)
            {
                if (await AppendLogAsync(guild, new PrivacyEvent.LegacyEventsRewritten(erasure.Kind, events, streams), actor, ct) is { } e) logged.Add(e);
                Log.Rewritten(logger, erasure.Kind, guild, events, streams);
            }
        }
        return new LegacyRewriteResult(perGuild.Values.Sum(v => v.Events), perGuild.Values.Sum(v => v.Streams), perGuild.Count) { Logged = logged };
    }

    /// <summary>
    /// Where a legacy user stream moves: where an interrupted move was going (the store's moved-to marker), else the
    /// user's pseudonym stream unless that already holds events (the user wrote there after encryption: then a fresh one).
    /// </summary>
    private async Task<string> MoveTargetAsync(string legacyStream, string pseudonym, CancellationToken ct)
    {
        if (await Raw.ReadUnfoldAsync(new StreamName(legacyStream), ct) is { Type: EventRewrites.MovedToType } marker) return marker.Data;
        var (category, guild, _) = StreamIds.Split(legacyStream);
        var target = $"{category}/{guild}/{pseudonym}";
        if ((await Raw.ReadStreamBackwardAsync(new StreamName(target), StreamRead.FromEnd, 1, ct)).Count == 0) return target;
        return $"{category}/{guild}/{Erased.PseudonymMark}{FieldCipher.NewKeyId()}";
    }

    private async Task<EventEnvelope?> AppendLogAsync(string guildId, PrivacyEvent @event, ErasureActor actor, CancellationToken ct)
    {
        var stream = new StreamName($"{PrivacyStream.Category}/{guildId}/log");
        var context = new AppendContext(guildId, RewriterActor, RewriterActor, $"{actor.Source}:legacy:{guildId}");
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var version = (await store.ReadStreamAsync(stream, 1, ct)).Count;
            switch (await store.AppendAsync(stream, version, [codec.Encode(@event)], context, ct))
            {
                case AppendResult.Appended appended: return appended.Events[^1];
                case AppendResult.WrongExpectedVersion: continue;
                default: return null; // handled before (the same source): its re-projection was waited for then
            }
        }
        throw new InvalidOperationException($"{stream} kept changing; try again.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1711, Level = LogLevel.Warning, Message = "Legacy plaintext rewritten ({Scope}) in server {Guild}: {Events} events, {Streams} user streams moved")]
        public static partial void Rewritten(ILogger logger, string scope, string guild, int events, int streams);

        [LoggerMessage(EventId = 1712, Level = LogLevel.Warning, Message = "Legacy plaintext not rewritten here ({Scope}, EVENTBOT_LEGACY_REWRITE={Mode}): events stored before encryption keep it until an operator runs `privacy rewrite-legacy`")]
        public static partial void Skipped(ILogger logger, string scope, string mode);
    }
}
