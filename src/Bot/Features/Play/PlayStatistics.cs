using EventBot.Bot.Chat;
using EventBot.Bot.Features.Leaderboard;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Play;
using EventBot.Projections.Core;
using EventBot.Projections.Play;
using Mediator;

namespace EventBot.Bot.Features.Play;

/// <summary>
/// <c>.play stats [@user]</c>: plays, wins, losses, draws, current and best streak, per game and in total. Without a
/// user, the server's totals (summed over its players' rows; the best streak is the server's record holder).
/// </summary>
public static class PlayStatistics
{
    public sealed record Query(ChatMessage Chat, ChatUser? User) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var guild = query.Chat.Guild!.Value.ToString();
            if (query.User is { } user)
            {
                var record = PlayRecords.Read(await readModels.GetAsync(PlayRecords.ProjectionName, PlayRecords.RowFor(guild, user.Id.Value), cancellationToken));
                return record is null
                    ? Reply.Of($"{user.DisplayName} has not played here yet. Try `.play rps rock`.")
                    : Render($"🎮 {record.Name}: games", record.Stats, streaks: true, footer: null);
            }

            var records = (await readModels.QueryAsync(PlayRecords.ProjectionName, guild, cancellationToken)).Select(PlayRecords.Read).OfType<PlayerRecord>().ToList();
            if (records.Count == 0) return Reply.Of("Nobody has played here yet. Try `.play rps rock`.");
            var sum = records.Select(r => r.Stats).Aggregate(PlayerStats.Initial, Add);
            var best = records.OrderByDescending(r => r.Stats.Total.BestStreak).ThenBy(r => r.UserId).First();
            var footer = best.Stats.Total.BestStreak > 0 ? $"Best streak: {best.Stats.Total.BestStreak} by {best.Name}" : null;
            return Render($"🎮 This server: games ({records.Count} {(records.Count == 1 ? "player" : "players")})", sum, streaks: false, footer);
        }

        private static Reply Render(string title, PlayerStats stats, bool streaks, string? footer)
        {
            var rows = new (string Name, Tally Tally)[] { ("rps", stats.Rps), ("coin", stats.Coin), ("dice", stats.Dice), ("total", stats.Total) };
            IReadOnlyList<string> headers = streaks ? ["Game", "Plays", "W", "L", "D", "Streak", "Best"] : ["Game", "Plays", "W", "L", "D"];
            var cells = rows.Select(r => (IReadOnlyList<string>?)(streaks
                ? [r.Name, $"{r.Tally.Plays}", $"{r.Tally.Wins}", $"{r.Tally.Losses}", $"{r.Tally.Draws}", $"{r.Tally.CurrentStreak}", $"{r.Tally.BestStreak}"]
                : [r.Name, $"{r.Tally.Plays}", $"{r.Tally.Wins}", $"{r.Tally.Losses}", $"{r.Tally.Draws}"]));
            var table = TextTable.Render(headers, cells, new HashSet<int>(Enumerable.Range(1, headers.Count - 1)));
            var text = $"{title}\n{table}" + (footer is null ? "" : $"\n{footer}");
            var fields = rows.Select(r => new ReplyField(r.Name,
                $"{r.Tally.Plays} plays · {r.Tally.Wins} W · {r.Tally.Losses} L · {r.Tally.Draws} D" + (streaks ? $" · streak {r.Tally.CurrentStreak} (best {r.Tally.BestStreak})" : ""), Inline: false));
            return new Reply(text, new ReplyEmbed(title, footer, [.. fields]));
        }

        // Streaks do not add up across players; the server view shows counts only.
        private static PlayerStats Add(PlayerStats a, PlayerStats b) =>
            new(Add(a.Total, b.Total), Add(a.Rps, b.Rps), Add(a.Coin, b.Coin), Add(a.Dice, b.Dice));

        private static Tally Add(Tally a, Tally b) =>
            new(a.Plays + b.Plays, a.Wins + b.Wins, a.Losses + b.Losses, a.Draws + b.Draws, 0, Math.Max(a.BestStreak, b.BestStreak));
    }
}
