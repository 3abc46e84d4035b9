using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Play;
using EventBot.Projections.Core;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Play;
using Mediator;

namespace EventBot.Bot.Features.Leaderboard;

/// <summary>
/// <c>.leaderboard play [game] [week|month|all]</c>: wins, one game or all, in a window. Order: more wins first; on
/// equal wins, whoever reached that many first; players without a win come last, by when they first played.
/// </summary>
public static class PlayLeaderboard
{
    public sealed record Query(ChatMessage Chat, Game? Game, BoardWindow Window) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels, TimeProvider time) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var partition = PlayBoard.Partition(query.Chat.Guild!.Value.ToString(), query.Game, BoardWindows.Key(query.Window, now));
            var rows = await readModels.QueryAsync(PlayBoard.ProjectionName, partition, cancellationToken);
            var ranked = PlayBoard.Rank(rows.Select(PlayBoard.Read).OfType<PlayBoardEntry>());
            var games = query.Game is { } g ? GameNames.Of(g) : "all games";
            return BoardReplies.Render(
                $"🎮 Wins, {games} — {BoardWindows.Describe(query.Window, now)}", ranked, query.Chat.Author.Id, e => e.UserId, e => e.Name,
                [("Wins", e => $"{e.Wins}"), ("Plays", e => $"{e.Plays}")],
                "No games played yet in this window. Try `.play rps rock`.");
        }
    }
}
