using EventBot.Domain.Common;
using EventBot.Domain.Privacy;
using EventBot.EventStore;
using EventBot.Projections.Core;
using static EventBot.Domain.Privacy.PrivacyEvent;

namespace EventBot.Projections.Privacy;

/// <summary>
/// A server's purge after the bot was removed (docs/privacy.md). <see cref="DueAt"/> is the
/// <see cref="GuildPurgeDecider"/>'s state (null: none pending); <see cref="State"/> says how the last schedule
/// ended (<c>pending</c>, <c>cancelled</c>, <c>purged</c>) and <see cref="ChangedAt"/> when.
/// </summary>
public sealed record GuildPurge(string Guild, DateTimeOffset? DueAt, string State, DateTimeOffset ChangedAt)
{
    public const string Pending = "pending";
    public const string Cancelled = "cancelled";
    public const string Purged = "purged";
}

/// <summary>
/// The index of pending guild purges: every row in one partition (<see cref="Partition"/>), one per server whose
/// <c>privacy/{guild}/log</c> ever scheduled, cancelled or recorded a purge, sort key the server's id. So the bot's
/// start and <c>privacy status</c> list the pending purges with one Query instead of a pass over every event. A row
/// is fed by one stream (the server's log) and folds it with the decider the bot decides with, so it agrees with the
/// log; a purge or cancel keeps the row (marked, no due time) so its applied version stays. The log's other events
/// (<see cref="UserForgotten"/>) are not handled: the core's gap fill steps over them.
/// </summary>
public sealed class GuildPurges : Projection<GuildPurge>
{
    public const string ProjectionName = "guild-purges";

    /// <summary>The one logical partition every row lives in.</summary>
    public const string Partition = "pending";

    public GuildPurges()
    {
        On<GuildPurgeScheduled>((doc, env, e) => Next(doc, env, e, GuildPurge.Pending));
        On<GuildPurgeCancelled>((doc, env, e) => Next(doc, env, e, GuildPurge.Cancelled));
        On<GuildPurged>((doc, env, e) => Next(doc, env, e, GuildPurge.Purged));
    }

    public override string Name => ProjectionName;

    public static ViewKey RowFor(string guildId) => new(Partition, guildId);

    // The server is the stream's (privacy/{guild}/log), exactly as the bot reads the log back before purging.
    public override IEnumerable<ViewKey> RowsFor(EventEnvelope envelope, object @event) => [RowFor(StreamIds.Split(envelope.StreamId).Guild)];

    /// <summary>The servers whose purge is pending, soonest first.</summary>
    public static IReadOnlyList<GuildPurge> PendingOf(IEnumerable<ViewRow> rows) =>
        [.. rows.Select(Read).OfType<GuildPurge>().Where(p => p.DueAt is not null).OrderBy(p => p.DueAt).ThenBy(p => p.Guild, StringComparer.Ordinal)];

    private static GuildPurge Next(GuildPurge? doc, EventEnvelope envelope, PrivacyEvent e, string state) =>
        new(StreamIds.Split(envelope.StreamId).Guild, GuildPurgeDecider.Evolve(doc?.DueAt, e), state, envelope.RecordedAt);
}
