using EventBot.Domain.Common;

namespace EventBot.EventStore;

/// <summary>
/// One event to rewrite: <see cref="Stored"/> is the event exactly as read from the store (the rewrite's condition),
/// <see cref="Replacement"/> the same event with new data, actor id and actor name, and possibly a new stream name.
/// </summary>
public sealed record EventRewrite(EventEnvelope Stored, EventEnvelope Replacement);

/// <summary>
/// The one sanctioned rewrite of the events table (docs/privacy.md, "Events stored before encryption"): personal fields
/// of events written before encryption are replaced in place when they are erased. Nothing else may use it. Events
/// are otherwise immutable (the SQLite triggers, the DynamoDB conditional puts), and this port keeps everything but the
/// data, the actor and (for a user stream named with a raw user id) the stream name as it was: version, event id,
/// type, schema version, guild, source, times and correlation. Implemented by the raw stores, below the privacy layer.
/// </summary>
public interface IEventRewriter
{
    /// <summary>
    /// Rewrites events of one stored stream. Each event is replaced only if the store still holds it exactly as
    /// <see cref="EventRewrite.Stored"/> says (event id, data, actor id, actor name): a repeated or a stale rewrite
    /// changes nothing, so the rewrite is idempotent and never clobbers. When the replacements name another stream
    /// (same category, same guild) the events move there at the same versions, and the batch must hold every
    /// remaining event of the old stream: its unfold is dropped, its idempotency markers follow the events.
    /// Returns how many events were rewritten.
    /// </summary>
    Task<int> RewriteAsync(IReadOnlyList<EventRewrite> rewrites, CancellationToken ct);
}

public static class EventRewrites
{
    /// <summary>
    /// The type of the marker a store that cannot move a long stream atomically (DynamoDB, ≤ 100 items per
    /// transaction) leaves at the old stream's unfold until the move completes: its data is the new stream name, so
    /// a repeated rewrite after a crash finishes the same move instead of starting a second one.
    /// </summary>
    public const string MovedToType = "MovedTo";

    /// <summary>Throws unless the batch is one a store may apply: one stream, only data, actor and stream name changed.</summary>
    public static void Validate(IReadOnlyList<EventRewrite> rewrites)
    {
        if (rewrites.Count == 0) return;
        var from = rewrites[0].Stored.StreamId;
        var to = rewrites[0].Replacement.StreamId;
        foreach (var (stored, replacement) in rewrites)
        {
            if (stored.StreamId != from || replacement.StreamId != to)
                throw new ArgumentException("A rewrite batch covers one stream.", nameof(rewrites));
            if (replacement.Version != stored.Version || replacement.EventId != stored.EventId || replacement.Type != stored.Type
                || replacement.SchemaVersion != stored.SchemaVersion || replacement.GuildId != stored.GuildId || replacement.Source != stored.Source
                || replacement.RecordedAt != stored.RecordedAt || replacement.CorrelationId != stored.CorrelationId
                || replacement.CausationId != stored.CausationId || replacement.TraceParent != stored.TraceParent)
                throw new ArgumentException($"A rewrite changes only the data, the actor and the stream name ({stored.StreamId} v{stored.Version}).", nameof(rewrites));
        }
        if (from == to) return;
        var (fromCategory, fromGuild, _) = StreamIds.Split(from);
        var (toCategory, toGuild, _) = StreamIds.Split(to);
        if (fromCategory != toCategory || fromGuild != toGuild)
            throw new ArgumentException($"A stream moves only within its category and guild ({from} → {to}).", nameof(rewrites));
    }
}
