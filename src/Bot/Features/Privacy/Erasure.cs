using EventBot.Domain.Common;
using EventBot.Domain.Privacy;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Leases;
using EventBot.Projections.Privacy;
using EventBot.Projections.Replay;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Features.Privacy;

/// <summary>Who asked for an erasure, as the log event records it (never the erased data).</summary>
public sealed record ErasureActor(string Id, string Name, string Source)
{
    /// <summary>
    /// The operator's CLI: it runs with credentials that may write views, so it re-projects the erasure itself before it
    /// returns (the running projector then finds the work done), instead of waiting for a projector that may not run.
    /// </summary>
    public bool ReprojectsHere { get; init; }

    public static ErasureActor Operator(string verb) => new("operator", "operator", $"cli:{verb}:{Guid.CreateVersion7():N}") { ReprojectsHere = true };

    /// <summary>
    /// The actor recorded for a user who forgets themselves: appending as the user, after their keys are destroyed, would
    /// give them a new key (and pseudonym) at once. <see cref="PrivacyEvent.UserForgotten.By"/> says <c>self</c>.
    /// </summary>
    public static ErasureActor Self(string source) => new("privacy", Erased.User, source);
}

/// <summary>What an erasure did.</summary>
/// <param name="Rebuilt">True when the read models showed the erasure before this returned (re-projected by the
/// projector, or here for the operator); false when the projector had not got to it within the read-your-writes wait:
/// it does when it reaches the event, and a <c>replay</c> gives the same views.</param>
public sealed record ErasureResult(int Keys, int Guilds, bool Rebuilt);

/// <summary>
/// Forget-me, redact and guild purge (docs/privacy.md, "Erasing"). The erasing process does only the narrow part, which
/// the bot's role allows: it finds the keys without a Scan (a lookup, or a Query of the keys table's owner and guild
/// indexes), destroys them, and only then appends the event that records the erasure. The projector (the in-process
/// feed, the <c>projector</c> verb or the Lambda), which may write views, re-projects the affected rows when it meets
/// that event (<see cref="ErasureReprojection"/>); because the keys are gone before the event exists, the re-projection
/// can never reveal what was erased. The erasing process then waits, bounded, until the views show it.
/// A crash between destroying and appending leaves the keys destroyed and the views as they were until a <c>replay</c>
/// (a redact repeated appends the event; a forget-me repeated finds no keys).
/// </summary>
public sealed partial class Erasure(
    KeyRing keys,
    IEventStore store,
    EventCodec codec,
    IViewStore views,
    ReadYourWrites readYourWrites,
    ErasureReprojection reprojection,
    IEnumerable<IProjection> projections,
    ILogger<Erasure> logger,
    SqliteDatabase? sqlite = null,
    LegacyRewrite? legacy = null,
    Rebuilder? rebuilder = null,
    RebuildLease? lease = null)
{
    /// <summary>Destroys every key of the user in every server; their identity and what they wrote read as erased.</summary>
    /// <param name="askedIn">
    /// The server the request came from, if any: a second run of the same request (the queue worker after the interactions
    /// function, which froze after answering type 6) finds no key left, and finds there the erasure event its first run
    /// appended (by its source), so it answers the first outcome instead of "nothing to forget".
    /// </param>
    public async Task<ErasureResult> ForgetUserAsync(string userId, string by, ErasureActor actor, CancellationToken ct, string? askedIn = null)
    {
        var owner = await keys.LookupOfAsync(KeyRing.OwnerText(userId), ct);
        var records = await keys.Store.ListAsync(null, owner, ct);
        if (records.Count == 0 && askedIn is not null && await FirstRunAsync(askedIn, actor, ct) is { } first)
            return new ErasureResult(first.Keys, 1, await ShownAsync([first.Logged], actor, ct));
        if (records.Count == 0)
        {
            // No key: a user known only from events stored before encryption. Their plaintext is rewritten in place and
            // the rewrite's log event (LegacyEventsRewritten) is what the projector re-projects on.
            if (legacy is null) return new ErasureResult(0, 0, false);
            var legacyOnly = await legacy.ForgetUserAsync(userId, [], actor, ct);
            var legacyShown = legacyOnly.Logged.Count > 0 && await ShownAsync(legacyOnly.Logged, actor, ct);
            return new ErasureResult(0, legacyOnly.Guilds, await AfterLegacyAsync(legacyOnly, legacyShown, ct));
        }
        var destroyed = await keys.DestroyAsync(records, ct);
        // Before the erasure event: the projector's re-projection then reads the rewritten legacy events too.
        var rewritten = legacy is null ? null : await legacy.ForgetUserAsync(userId, records, actor, ct);
        var erasure = Guid.CreateVersion7().ToString("N");
        var recordedAs = actor.Id == userId ? ErasureActor.Self(actor.Source) with { ReprojectsHere = actor.ReprojectsHere } : actor;
        var appended = new List<EventEnvelope>();
        foreach (var guild in records.GroupBy(r => r.GuildId))
            appended.Add(await AppendLogAsync(guild.Key, new PrivacyEvent.UserForgotten(erasure, guild.Count(), by), recordedAs, ct));
        var guilds = records.Select(r => r.GuildId).Distinct().Count();
        Log.Forgotten(logger, erasure, destroyed, guilds);
        return new ErasureResult(destroyed, guilds, await AfterLegacyAsync(rewritten, await ShownAsync(appended, actor, ct), ct));
    }

    public enum RedactOutcome { Redacted, NoSuchVersion, NotAValue, AlreadyRedacted }

    /// <summary>Erases one value version of a key for good: its own event and the next one's previous value.</summary>
    public async Task<(RedactOutcome Outcome, ErasureResult? Result)> RedactAsync(GuildId guild, MemoryKey key, long version, ErasureActor actor, CancellationToken ct)
    {
        var stream = new StreamName(RememberStream.For(guild, key));
        var destroyed = 0;
        LegacyRewriteResult? rewritten = null;
        for (var attempt = 0; ; attempt++)
        {
            var events = await store.ReadStreamAsync(stream, 1, ct);
            if (version < 1 || version > events.Count) return (RedactOutcome.NoSuchVersion, null);
            var decoded = events.Select(e => codec.Decode(e) as RememberEvent).ToList();
            if (decoded.Select((e, i) => (Event: e, Envelope: events[i])).FirstOrDefault(r => r.Event is RememberEvent.ValueRedacted redacted && redacted.Version == version)
                is { Envelope: { } earlier })
            {
                // The same request run again (the queue worker after the frozen interactions function): its first outcome.
                return earlier.Source == actor.Source
                    ? (RedactOutcome.Redacted, new ErasureResult(0, 1, await ShownAsync([earlier], actor, ct)))
                    : (RedactOutcome.AlreadyRedacted, null);
            }
            if (decoded[(int)version - 1] is not (RememberEvent.ValueRemembered or RememberEvent.ValueRestored) and var target)
                return (RedactOutcome.NotAValue, null);
            // The key first, then the record of it (see the class): repeated after a crash, the key is already gone.
            var lookup = await keys.LookupOfAsync(KeyRing.ValueLookupText(guild.ToString(), stream.Value, version), ct);
            // No key: a value stored before encryption, whose plaintext the legacy rewrite replaces in place (docs/privacy.md),
            // before the erasure event, so the projector's re-projection reads the rewritten event.
            if (await keys.Store.FindAsync(lookup, ct) is { } record) destroyed += await keys.DestroyAsync([record], ct);
            if (legacy is not null) rewritten = await legacy.RedactAsync(guild.ToString(), stream.Value, version, actor, ct);
            var context = new AppendContext(guild.ToString(), actor.Id, actor.Name, actor.Source);
            var appended = await store.AppendAsync(stream, events.Count, [codec.Encode(new RememberEvent.ValueRedacted(decoded[(int)version - 1]!.Key, version))], context, ct);
            if (appended is AppendResult.WrongExpectedVersion && attempt < 5) continue;
            if (appended is AppendResult.WrongExpectedVersion) throw new InvalidOperationException($"{stream} kept changing; try again.");
            Log.Redacted(logger, guild.ToString(), version, destroyed);
            var shown = await ShownAsync([Recorded(appended, stream.Value, guild.ToString(), "ValueRedacted")], actor, ct);
            return (RedactOutcome.Redacted, new ErasureResult(destroyed, 1, await AfterLegacyAsync(rewritten, shown, ct)));
        }
    }

    /// <summary>Destroys the guild key and every key under it: nothing of the server reads any more.</summary>
    public async Task<ErasureResult> PurgeGuildAsync(string guildId, string reason, ErasureActor actor, CancellationToken ct)
    {
        var destroyed = await keys.DestroyAsync(await GuildKeysAsync(guildId, null, ct), ct);
        // Before the erasure event: the projector's re-projection then reads the rewritten legacy events too.
        var rewritten = legacy is null ? null : await legacy.PurgeGuildAsync(guildId, actor, ct);
        var logged = await AppendLogAsync(guildId, new PrivacyEvent.GuildPurged(destroyed, reason), actor, ct);
        // The log event's own actor was sealed under a new key of this server (and a new guild key): destroy those too.
        // They protect nothing but that name, which no read model shows, so the projector may run before this.
        destroyed += await keys.DestroyAsync(await GuildKeysAsync(guildId, actor.Id, ct), ct);
        Log.Purged(logger, guildId, destroyed, reason);
        return new ErasureResult(destroyed, 1, await AfterLegacyAsync(rewritten, await ShownAsync([logged], actor, ct), ct));
    }

    /// <summary>
    /// A guild's keys: the guild index (a Query, eventually consistent) and, read consistently by lookup, the guild key
    /// (every key under it is unreadable without it, even one the index does not list yet) and the actor's key there.
    /// </summary>
    private async Task<IReadOnlyList<KeyRecord>> GuildKeysAsync(string guildId, string? actorId, CancellationToken ct)
    {
        var found = (await keys.Store.ListAsync(guildId, null, ct)).ToDictionary(r => r.KeyId, StringComparer.Ordinal);
        var lookups = new List<string> { KeyRing.GuildLookupText(guildId) };
        if (actorId is not null) lookups.Add(KeyRing.UserLookupText(guildId, actorId));
        foreach (var text in lookups)
        {
            if (await keys.Store.FindAsync(await keys.LookupOfAsync(text, ct), ct) is { } record) found.TryAdd(record.KeyId, record);
        }
        return [.. found.Values];
    }

    /// <summary>The <see cref="PrivacyEvent.UserForgotten"/> this request appended in <paramref name="guildId"/> on an earlier run, if any.</summary>
    private async Task<(int Keys, EventEnvelope Logged)?> FirstRunAsync(string guildId, ErasureActor actor, CancellationToken ct)
    {
        var source = $"{actor.Source}:{guildId}";
        foreach (var e in await store.ReadStreamAsync(new StreamName($"{PrivacyStream.Category}/{guildId}/log"), 1, ct))
        {
            if (e.Source == source && codec.Decode(e) is PrivacyEvent.UserForgotten forgotten) return (forgotten.Keys, e);
        }
        return null;
    }

    private async Task<EventEnvelope> AppendLogAsync(string guildId, PrivacyEvent @event, ErasureActor actor, CancellationToken ct)
    {
        var stream = new StreamName($"{PrivacyStream.Category}/{guildId}/log");
        var context = new AppendContext(guildId, actor.Id, actor.Name, $"{actor.Source}:{guildId}");
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var version = (await store.ReadStreamAsync(stream, 1, ct)).Count;
            var appended = await store.AppendAsync(stream, version, [codec.Encode(@event)], context, ct);
            if (appended is not AppendResult.WrongExpectedVersion) return Recorded(appended, stream.Value, guildId, codec.Encode(@event).Type);
        }
        throw new InvalidOperationException($"{stream} kept changing; try again.");
    }

    /// <summary>The appended erasure event (or, for a request already handled, the one it appended then).</summary>
    private static EventEnvelope Recorded(AppendResult result, string stream, string guildId, string type) => result switch
    {
        AppendResult.Appended appended => appended.Events[^1],
        AppendResult.AlreadyProcessed seen => new EventEnvelope(stream, seen.LastVersion, Guid.Empty, type, 1, "{}", guildId, "", "", "", default),
        _ => throw new InvalidOperationException($"Unexpected append result {result}."),
    };

    /// <summary>
    /// Waits (bounded, as a reply waits for its read model) until the projector has re-projected every event in
    /// <paramref name="logged"/>; the operator re-projects here instead. True when the views show the erasure.
    /// </summary>
    private async Task<bool> ShownAsync(IReadOnlyList<EventEnvelope> logged, ErasureActor actor, CancellationToken ct)
    {
        if (actor.ReprojectsHere)
        {
            foreach (var e in logged) await reprojection.ApplyAsync(e, [.. projections], ct);
            sqlite?.Checkpoint();
            return true;
        }
        foreach (var e in logged)
        {
            if (!await readYourWrites.WaitForAsync(token => ErasureReprojection.IsAppliedAsync(views, e.StreamId, e.Version, token), ct)) return false;
        }
        // SQLite: the rows the projector rewrote left their old pages in the WAL; fold it in (secure_delete zeroes them).
        sqlite?.Checkpoint();
        return true;
    }

    /// <summary>
    /// After a legacy rewrite wrote anything, every read model is rebuilt from the events in this process: a legacy
    /// user stream is named with the raw user id, which a read by stream name (the re-projection's) cannot tell from the
    /// same user's pseudonymous stream, so only a rebuild (which reads every event as stored) makes the views a
    /// `replay` would. The rewrite runs only where rebuilding is allowed: SQLite, or the operator's verbs on DynamoDB.
    /// </summary>
    private async Task<bool> AfterLegacyAsync(LegacyRewriteResult? rewritten, bool shown, CancellationToken ct)
    {
        if (rewritten is not { Events: > 0 } || rebuilder is null || lease is null) return shown;
        if (await lease.TryAcquireAsync("privacy legacy rewrite", ct) is not LeaseAttempt.Acquired acquired)
        {
            Log.RebuildBusy(logger);
            return false;
        }
        await using (acquired.Lease)
        {
            await rebuilder.RunAsync([.. projections], null, ct);
        }
        sqlite?.Checkpoint();
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1704, Level = LogLevel.Warning, Message = "Legacy events rewritten, but another rebuild holds the lease: run `replay` when it has finished")]
        public static partial void RebuildBusy(ILogger logger);

        [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "A user was forgotten (erasure {Erasure}): {Keys} keys destroyed in {Guilds} servers")]
        public static partial void Forgotten(ILogger logger, string erasure, int keys, int guilds);

        [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "A value version was redacted in server {Guild}: v{Version}, {Keys} key destroyed")]
        public static partial void Redacted(ILogger logger, string guild, long version, int keys);

        [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "Server {Guild} was purged ({Reason}): {Keys} keys destroyed")]
        public static partial void Purged(ILogger logger, string guild, int keys, string reason);

    }
}
