using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Projections.Core;
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
        var guildId = guild.ToString();
        IEnumerable<ProjectedRow> rows =
        [
            new(PlayRecords.ProjectionName, PlayRecords.RowFor(guildId, player.Value)),
            .. PlayBoard.RowsFor(guildId, player.Value, played.Game, played.At).Select(row => new ProjectedRow(PlayBoard.ProjectionName, row)),
        ];
        var caughtUp = await readYourWrites.WaitAllAsync(rows, PlayStream.For(guild, player), version, ct);
        return Reply.Of(caughtUp ? text : $"{text}\n(saved; stats and leaderboards are still catching up, so they may lag for a moment)");
    }
}

