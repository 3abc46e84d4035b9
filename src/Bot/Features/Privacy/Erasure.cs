using System.Text.Json;
using System.Text.Json.Nodes;
using EventBot.Domain.Common;
using EventBot.Domain.Privacy;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Leases;
using EventBot.Projections.Replay;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Features.Privacy;

/// <summary>Who asked for an erasure, as the log event records it (never the erased data).</summary>
public sealed record ErasureActor(string Id, string Name, string Source)
{
    public static ErasureActor Operator(string verb) => new("operator", "operator", $"cli:{verb}:{Guid.CreateVersion7():N}");
}

/// <summary>What an erasure did.</summary>
/// <param name="Rebuilt">False when another rebuild held the lease: the keys are gone, the views are rebuilt by the next <c>replay</c>.</param>
public sealed record ErasureResult(int Keys, int Guilds, bool Rebuilt);

/// <summary>
/// Forget-me, redact and guild purge (docs/privacy.md): append the event that records the erasure, destroy the keys,
/// then rebuild the read models (a new generation from the revealed events, the old one, which held plaintext,
/// deleted; SQLite frees it with secure_delete and a checkpoint). The order matters: the record is written while the
/// store still accepts it, and a crash after it leaves keys that the same request destroys when repeated.
/// </summary>
public sealed partial class Erasure(
    KeyRing keys,
    IEventStore store,
    EventCodec codec,
    Rebuilder rebuilder,
    IEnumerable<IProjection> projections,
    RebuildLease lease,
    ILogger<Erasure> logger,
    SqliteDatabase? sqlite = null,
    LegacyRewrite? legacy = null)
{
    /// <summary>Destroys every key of the user in every server; their identity and what they wrote read as erased.</summary>
    public async Task<ErasureResult> ForgetUserAsync(string userId, string by, ErasureActor actor, CancellationToken ct)
    {
        var owner = await keys.LookupOfAsync(KeyRing.OwnerText(userId), ct);
        var records = await keys.Store.ListAsync(null, owner, ct);
        if (records.Count == 0) return new ErasureResult(0, 0, legacy is not null && (await legacy.ForgetUserAsync(userId, [], actor, ct)).Events > 0 && await RebuildAsync("privacy forget", ct));
        var erasure = Guid.CreateVersion7().ToString("N");
        foreach (var guild in records.GroupBy(r => r.GuildId))
            await AppendLogAsync(guild.Key, new PrivacyEvent.UserForgotten(erasure, guild.Count(), by), actor, ct);
        var destroyed = await keys.DestroyAsync(records, ct);
        if (legacy is not null) await legacy.ForgetUserAsync(userId, records, actor, ct);
        Log.Forgotten(logger, erasure, destroyed, records.Select(r => r.GuildId).Distinct().Count());
        return new ErasureResult(destroyed, records.Select(r => r.GuildId).Distinct().Count(), await RebuildAsync("privacy forget", ct));
    }

    public enum RedactOutcome { Redacted, NoSuchVersion, NotAValue, AlreadyRedacted }

    /// <summary>Erases one value version of a key for good: its own event and the next one's previous value.</summary>
    public async Task<(RedactOutcome Outcome, ErasureResult? Result)> RedactAsync(GuildId guild, MemoryKey key, long version, ErasureActor actor, CancellationToken ct)
    {
        var stream = new StreamName(RememberStream.For(guild, key));
        for (var attempt = 0; ; attempt++)
        {
            var events = await store.ReadStreamAsync(stream, 1, ct);
            if (version < 1 || version > events.Count) return (RedactOutcome.NoSuchVersion, null);
            var decoded = events.Select(e => codec.Decode(e) as RememberEvent).ToList();
            if (decoded.OfType<RememberEvent.ValueRedacted>().Any(r => r.Version == version)) return (RedactOutcome.AlreadyRedacted, null);
            if (decoded[(int)version - 1] is not (RememberEvent.ValueRemembered or RememberEvent.ValueRestored) and var target)
                return (RedactOutcome.NotAValue, null);
            var context = new AppendContext(guild.ToString(), actor.Id, actor.Name, actor.Source);
            var appended = await store.AppendAsync(stream, events.Count, [codec.Encode(new RememberEvent.ValueRedacted(decoded[(int)version - 1]!.Key, version))], context, ct);
            if (appended is AppendResult.WrongExpectedVersion && attempt < 5) continue;
            if (appended is AppendResult.WrongExpectedVersion) throw new InvalidOperationException($"{stream} kept changing; try again.");
            break;
        }
        var lookup = await keys.LookupOfAsync(KeyRing.ValueLookupText(guild.ToString(), stream.Value, version), ct);
        var record = await keys.Store.FindAsync(lookup, ct);
        // No key: a value stored before encryption, whose plaintext the legacy rewrite replaces in place (docs/privacy.md).
        var destroyed = record is null ? 0 : await keys.DestroyAsync([record], ct);
        if (legacy is not null) await legacy.RedactAsync(guild.ToString(), stream.Value, version, actor, ct);
        Log.Redacted(logger, guild.ToString(), version, destroyed);
        return (RedactOutcome.Redacted, new ErasureResult(destroyed, 1, await RebuildAsync("privacy redact", ct)));
    }

    /// <summary>Destroys the guild key and every key under it: nothing of the server reads any more.</summary>
    public async Task<ErasureResult> PurgeGuildAsync(string guildId, string reason, ErasureActor actor, CancellationToken ct)
    {
        var records = await keys.Store.ListAsync(guildId, null, ct);
        await AppendLogAsync(guildId, new PrivacyEvent.GuildPurged(records.Count, reason), actor, ct);
        if (legacy is not null) await legacy.PurgeGuildAsync(guildId, actor, ct);
        // The log event's own actor was encrypted under a key of this server: list again to destroy that one too.
        records = await keys.Store.ListAsync(guildId, null, ct);
        var destroyed = await keys.DestroyAsync(records, ct);
        Log.Purged(logger, guildId, destroyed, reason);
        return new ErasureResult(destroyed, 1, await RebuildAsync("privacy purge-guild", ct));
    }

    /// <summary>Every event in which the user is the actor or a target (giver, receiver, player), revealed, as a JSON array.</summary>
    public async Task<(int Events, string Json)> ExportAsync(string userId, CancellationToken ct)
    {
        var found = new JsonArray();
        await foreach (var e in store.ReadAllAsync(ct))
        {
            var concerns = e.ActorId == userId;
            if (!concerns && StreamIds.Category(e.StreamId) is "sparkle" or "play")
                concerns = StreamIds.Split(e.StreamId).Id == userId;
            if (!concerns && codec.IsKnown(e.Type) && codec.Decode(e) is SparkleEvent.SparkleGiven given)
                concerns = given.GiverId.ToString(System.Globalization.CultureInfo.InvariantCulture) == userId
                    || given.TargetId.ToString(System.Globalization.CultureInfo.InvariantCulture) == userId;
            if (!concerns) continue;
            found.Add(new JsonObject
            {
                ["stream"] = e.StreamId,
                ["version"] = e.Version,
                ["type"] = e.Type,
                ["recordedAt"] = e.RecordedAt,
                ["guildId"] = e.GuildId,
                ["actorId"] = e.ActorId,
                ["actorName"] = e.ActorName,
                ["data"] = JsonNode.Parse(e.Data),
            });
        }
        return (found.Count, found.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private async Task AppendLogAsync(string guildId, PrivacyEvent @event, ErasureActor actor, CancellationToken ct)
    {
        var stream = new StreamName($"{PrivacyStream.Category}/{guildId}/log");
        var context = new AppendContext(guildId, actor.Id, actor.Name, $"{actor.Source}:{guildId}");
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var version = (await store.ReadStreamAsync(stream, 1, ct)).Count;
            if (await store.AppendAsync(stream, version, [codec.Encode(@event)], context, ct) is not AppendResult.WrongExpectedVersion) return;
        }
        throw new InvalidOperationException($"{stream} kept changing; try again.");
    }

    private async Task<bool> RebuildAsync(string purpose, CancellationToken ct)
    {
        var attempt = await lease.TryAcquireAsync(purpose, ct);
        if (attempt is not LeaseAttempt.Acquired acquired)
        {
            Log.RebuildBusy(logger, purpose);
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
        [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "A user was forgotten (erasure {Erasure}): {Keys} keys destroyed in {Guilds} servers")]
        public static partial void Forgotten(ILogger logger, string erasure, int keys, int guilds);

        [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "A value version was redacted in server {Guild}: v{Version}, {Keys} key destroyed")]
        public static partial void Redacted(ILogger logger, string guild, long version, int keys);

        [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "Server {Guild} was purged ({Reason}): {Keys} keys destroyed")]
        public static partial void Purged(ILogger logger, string guild, int keys, string reason);

        [LoggerMessage(EventId = 1704, Level = LogLevel.Warning, Message = "Keys destroyed, but another rebuild holds the lease: run `replay` when it has finished ({Purpose})")]
        public static partial void RebuildBusy(ILogger logger, string purpose);
    }
}
