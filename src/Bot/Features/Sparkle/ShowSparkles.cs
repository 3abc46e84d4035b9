using System.Text;
using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Projections.Core;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Sparkle;
using Mediator;

namespace EventBot.Bot.Features.Sparkle;

/// <summary><c>.show sparkles [@user]</c>: total, rank in the server (all time) and the latest sparkles with giver and date.</summary>
public static class ShowSparkles
{
    public sealed record Query(ChatMessage Chat, ChatUser User) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var guild = query.Chat.Guild!.Value.ToString();
            var user = query.User;
            var total = SparkleTotals.Read(await readModels.GetAsync(SparkleTotals.ProjectionName, SparkleTotals.RowFor(guild, user.Id.Value), cancellationToken));
            if (total is null) return Reply.Of($"{user.DisplayName} has no sparkles yet. Give one: `.sparkle @{user.DisplayName} for <reason>`");

            var board = await readModels.QueryAsync(SparkleBoard.ProjectionName, SparkleBoard.Partition(guild, BoardWindows.AllTime), cancellationToken);
            var ranked = SparkleBoard.Rank(board.Select(SparkleBoard.Read).OfType<BoardEntry>());
            var rank = ranked.FirstOrDefault(r => r.Entry.UserId == user.Id.Value)?.Rank;

            var title = $"✨ {total.Name}: {Plural(total.Total, "sparkle")}" + (rank is { } n ? $" — rank #{n} of {ranked.Count} in this server" : "");
            var lines = total.Recent.Select(Line).ToList();
            var text = new StringBuilder(title);
            if (lines.Count > 0) text.Append($"\nLatest {lines.Count}:");
            foreach (var line in lines) text.Append("\n• ").Append(line);
            return new Reply(text.ToString(), new ReplyEmbed(title, lines.Count == 0 ? null : string.Join('\n', lines), []));
        }

        private static string Line(SparkleNote note) =>
            $"{Md.When(note.At)} · from {note.GiverName}" + (note.Reason is null ? "" : $" · “{note.Reason}”");

        private static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";
    }
}
