using System.Globalization;
using EventBot.Domain.Play;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Leaderboards;
using static EventBot.Domain.Play.PlayEvent;

namespace EventBot.Projections.Play;

/// <summary>
/// A player's place on a games board. The score is wins; <see cref="ReachedAt"/> is the time of the last win (of the
/// first game while there is none), so on equal wins whoever got there first ranks higher.
/// </summary>
public sealed record PlayBoardEntry(ulong UserId, string Name, int Wins, int Plays, DateTimeOffset ReachedAt);

/// <summary>
/// Wins per game and over all games, per calendar window. Partition <c>{guild}/{game|all}/{window}</c>, sort key the
/// player's id: six rows per game played, each fed by the player's one stream, each only by events of its window
/// and game. Players without a win stay on the board (after everyone who won), so a caller always finds their rank.
/// </summary>
public sealed class PlayBoard : Projection<PlayBoardEntry>
{
    public const string ProjectionName = "play-board";

    /// <summary>The scope word for "every game".</summary>
    public const string AllGames = "all";

    public PlayBoard() =>
        On<GamePlayed>((doc, env, e) =>
        {
            var won = e.Result == GameResult.Win;
            var entry = doc ?? new PlayBoardEntry(PlayRecords.PlayerOf(env), env.ActorName, 0, 0, e.At);
            return entry with
            {
                Name = env.ActorName,
                Wins = entry.Wins + (won ? 1 : 0),
                Plays = entry.Plays + 1,
                ReachedAt = won ? e.At : entry.ReachedAt,
            };
        });

    public override string Name => ProjectionName;

    public static string Scope(Game? game) => game is { } g ? GameNames.Of(g) : AllGames;

    public static string Partition(string guildId, Game? game, string window) => $"{guildId}/{Scope(game)}/{window}";

    public static ViewKey RowFor(string guildId, Game? game, string window, ulong userId) =>
        new(Partition(guildId, game, window), userId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The six rows one game touches: its game and all games, in each standard window of its time.</summary>
    public override IEnumerable<ViewKey> RowsFor(EventEnvelope envelope, object @event)
    {
        var (e, userId) = ((GamePlayed)@event, PlayRecords.PlayerOf(envelope));
        return BoardWindows.Standard(e.At).SelectMany(w => new[] { RowFor(envelope.GuildId, e.Game, w, userId), RowFor(envelope.GuildId, null, w, userId) });
    }

    public static IReadOnlyList<Ranked<PlayBoardEntry>> Rank(IEnumerable<PlayBoardEntry> entries) =>
        Ranking.Rank(entries, e => e.Wins, e => e.ReachedAt, e => e.UserId);
}
