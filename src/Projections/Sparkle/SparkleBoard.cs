using System.Globalization;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Leaderboards;
using static EventBot.Domain.Sparkle.SparkleEvent;

namespace EventBot.Projections.Sparkle;

/// <summary>A user's place on a board: <see cref="ReachedAt"/> is the time of the last increment (earlier wins a tie).</summary>
public sealed record BoardEntry(ulong UserId, string Name, int Score, DateTimeOffset ReachedAt);

/// <summary>
/// Sparkles received, per calendar window. Partition <c>{guild}/{window}</c> (<c>all</c>, <c>2026-W48</c>,
/// <c>2026-11</c>), sort key the receiver's id, so every row is fed by one stream (<c>sparkle/{guild}/{user}</c>) and
/// only by that stream's events inside the window: the core's gap fill re-applies only earlier events that map to the
/// same row. Ranking is a Query of one partition sorted in memory (<see cref="Ranking"/>).
/// </summary>
public sealed class SparkleBoard : Projection<BoardEntry>
{
    public const string ProjectionName = "sparkle-board";

    private readonly string _name;
    private readonly Func<DateTimeOffset, IEnumerable<string>> _windows;

    public SparkleBoard()
        : this(ProjectionName, BoardWindows.Standard)
    {
    }

    /// <summary>A board with other windows (a new one fills from history with a rebuild).</summary>
    public SparkleBoard(string name, Func<DateTimeOffset, IEnumerable<string>> windows)
    {
        (_name, _windows) = (name, windows);
        On<SparkleGiven>((doc, env, e) => new BoardEntry(e.TargetId, e.TargetName, (doc?.Score ?? 0) + 1, SparkleTotals.When(env, e)));
    }

    public override string Name => _name;

    public static string Partition(string guildId, string window) => $"{guildId}/{window}";

    public static ViewKey RowFor(string guildId, string window, ulong userId) => new(Partition(guildId, window), userId.ToString(CultureInfo.InvariantCulture));

    public override IEnumerable<ViewKey> RowsFor(EventEnvelope envelope, object @event)
    {
        var e = (SparkleGiven)@event;
        return _windows(SparkleTotals.When(envelope, e)).Select(w => RowFor(envelope.GuildId, w, e.TargetId));
    }

    public static IReadOnlyList<Ranked<BoardEntry>> Rank(IEnumerable<BoardEntry> entries) =>
        Ranking.Rank(entries, e => e.Score, e => e.ReachedAt, e => e.UserId);
}
