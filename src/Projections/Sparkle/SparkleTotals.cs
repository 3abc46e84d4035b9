using System.Globalization;
using EventBot.EventStore;
using EventBot.Projections.Core;
using static EventBot.Domain.Sparkle.SparkleEvent;

namespace EventBot.Projections.Sparkle;

/// <summary>One sparkle as shown under a user's total.</summary>
public sealed record SparkleNote(ulong GiverId, string GiverName, string? Reason, DateTimeOffset At);

/// <summary>What a user received in a server: the all-time total and the most recent sparkles, newest first.</summary>
public sealed record SparkleTotal(ulong UserId, string Name, int Total, DateTimeOffset LastAt, IReadOnlyList<SparkleNote> Recent);

/// <summary>
/// Sparkles received per user: one partition per guild, one row per receiver. A row is fed by exactly one stream
/// (<c>sparkle/{guild}/{user}</c>), so its applied version is also that stream's length.
/// </summary>
public sealed class SparkleTotals : Projection<SparkleTotal>
{
    public const string ProjectionName = "sparkle-totals";

    /// <summary>How many recent sparkles a row keeps (with giver, date and reason, when there was one).</summary>
    public const int RecentKept = 10;

    public SparkleTotals() =>
        On<SparkleGiven>((doc, env, e) =>
        {
            var at = When(env, e);
            var note = new SparkleNote(e.GiverId, e.GiverName, e.Reason, at);
            // Newest first, at most RecentKept: built as one array (this runs for every sparkle of a rebuild).
            var before = doc?.Recent ?? [];
            var recent = new SparkleNote[Math.Min(before.Count, RecentKept - 1) + 1];
            recent[0] = note;
            for (var i = 1; i < recent.Length; i++) recent[i] = before[i - 1];
            return new SparkleTotal(e.TargetId, e.TargetName, (doc?.Total ?? 0) + 1, at, recent);
        });

    public override string Name => ProjectionName;

    public static ViewKey RowFor(string guildId, ulong userId) => new(guildId, userId.ToString(CultureInfo.InvariantCulture));

    public override IEnumerable<ViewKey> RowsFor(EventEnvelope envelope, object @event) =>
        [RowFor(envelope.GuildId, ((SparkleGiven)@event).TargetId)];

    /// <summary>The decision time; the envelope's recorded-at only for an event written without one.</summary>
    public static DateTimeOffset When(EventEnvelope envelope, SparkleGiven e) => e.At ?? envelope.RecordedAt;
}
