using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Projections.Core;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Play;

namespace EventBot.Bot.Features.Play;

/// <summary>
/// Read-your-writes for games: reply once the player's stats row and their board rows (this game and all games,
/// in every window) have applied the new version, so <c>.play stats</c> and <c>.leaderboard play</c> agree at once.
/// </summary>
public sealed class PlayConsistency(ReadYourWrites readYourWrites)
{
    public async Task<Reply> AfterWriteAsync(GuildId guild, UserId player, PlayEvent.GamePlayed played, long version, string text, CancellationToken ct)
    {
        var (guildId, user) = (guild.ToString(), player.ToString());
        IEnumerable<ProjectedRow> rows =
        [
            new(PlayRecords.ProjectionName, PlayRecords.RowFor(guildId, player.Value)),
            .. BoardWindows.Standard(played.At).SelectMany(w => new[]
            {
                new ProjectedRow(PlayBoard.ProjectionName, new ViewKey(PlayBoard.Partition(guildId, played.Game, w), user)),
                new ProjectedRow(PlayBoard.ProjectionName, new ViewKey(PlayBoard.Partition(guildId, null, w), user)),
            }),
        ];
        var caughtUp = await readYourWrites.WaitAllAsync(rows, PlayStream.For(guild, player), version, ct);
        return Reply.Of(caughtUp ? text : $"{text}\n(saved; stats and leaderboards are still catching up, so they may lag for a moment)");
    }
}

