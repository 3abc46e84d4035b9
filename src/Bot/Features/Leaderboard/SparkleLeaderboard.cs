using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Projections.Core;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Sparkle;
using Mediator;

namespace EventBot.Bot.Features.Leaderboard;

/// <summary><c>.leaderboard sparkles [week|month|all]</c>: one Query of the window's board partition, ranked in memory.</summary>
public static class SparkleLeaderboard
{
    public sealed record Query(ChatMessage Chat, BoardWindow Window) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels, TimeProvider time) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var partition = SparkleBoard.Partition(query.Chat.Guild!.Value.ToString(), BoardWindows.Key(query.Window, now));
            var rows = await readModels.QueryAsync(SparkleBoard.ProjectionName, partition, cancellationToken);
            var ranked = SparkleBoard.Rank(rows.Select(SparkleBoard.Read).OfType<BoardEntry>());
            return BoardReplies.Render(
                $"✨ Sparkles — {BoardWindows.Describe(query.Window, now)}", ranked, query.Chat.Author.Id, e => e.UserId, e => e.Name,
                [("Sparkles", e => $"{e.Score}")],
                "No sparkles yet in this window. Give one: `.sparkle @user for <reason>`");
        }
    }
}
