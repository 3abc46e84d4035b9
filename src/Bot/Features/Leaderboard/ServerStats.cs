using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Projections.Core;
using EventBot.Projections.Play;
using EventBot.Projections.Remember;
using EventBot.Projections.Sparkle;
using Mediator;

namespace EventBot.Bot.Features.Leaderboard;

/// <summary>
/// <c>.stats</c>: this server's totals, derived from rows (three partition Queries, no event scan). Each row of
/// remember-values, sparkle-totals and play-stats is fed by exactly one whole stream and every event of those streams
/// touches it, so the sum of the rows' applied versions is the number of events recorded in the server.
/// </summary>
public static class ServerStats
{
    public sealed record Query(ChatMessage Chat) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var guild = query.Chat.Guild!.Value.ToString();
            var remembered = await readModels.QueryAsync(RememberedValues.ProjectionName, guild, cancellationToken);
            var sparkles = await readModels.QueryAsync(SparkleTotals.ProjectionName, guild, cancellationToken);
            var plays = await readModels.QueryAsync(PlayRecords.ProjectionName, guild, cancellationToken);

            var keys = remembered.Select(RememberedValues.Read).Count(v => v is { Live: true });
            var given = sparkles.Select(SparkleTotals.Read).Sum(t => t?.Total ?? 0);
            var games = plays.Select(PlayRecords.Read).Sum(p => p?.Stats.Total.Plays ?? 0);
            var events = remembered.Concat(sparkles).Concat(plays).Sum(r => r.Applied.Values.Sum());

            var fields = new ReplyField[]
            {
                new("Keys remembered", $"{keys}", Inline: true),
                new("Sparkles given", $"{given}", Inline: true),
                new("Games played", $"{games}", Inline: true),
                new("Events recorded", $"{events}", Inline: true),
            };
            var (names, values) = (fields.Max(f => f.Name.Length) + 2, fields.Max(f => f.Value.Length));
            var text = "📊 This server\n" + string.Join('\n', fields.Select(f => f.Name.PadRight(names) + f.Value.PadLeft(values)));
            return new Reply(text, new ReplyEmbed("📊 This server", null, fields));
        }
    }
}
