using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
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
    public static readonly CommandVerb Verb = new("stats");

    public static readonly CommandSyntax Syntax = new(Verb, null, [new("stats", "this server's totals")], Parse);

    public static readonly SlashSyntax Slash = new(new SlashVerb("stats", "This server's totals"), null, "This server's totals", [],
        input => CommandInput.Request(new Query(input.Chat)));

    public sealed record Query(ChatMessage Chat) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var guild = query.Chat.Guild!.Value.ToString();
            var remembered = await readModels.QueryAsync(RememberedValues.ProjectionName, guild, cancellationToken);
            var sparkles = await readModels.QueryAsync(SparkleTotals.ProjectionName, guild, cancellationToken);
            var plays = await readModels.QueryAsync(PlayRecords.ProjectionName, guild, cancellationToken);
            return StatsReplies.Render(
                keys: remembered.Select(RememberedValues.Read).Count(v => v is { Live: true }),
                given: sparkles.Select(SparkleTotals.Read).Sum(t => t?.Total ?? 0),
                games: plays.Select(PlayRecords.Read).Sum(p => p?.Stats.Total.Plays ?? 0),
                events: remembered.Concat(sparkles).Concat(plays).Sum(r => r.Applied.Values.Sum()));
        }
    }

    private static ParseResult Parse(CommandInput input) =>
        input.Args.Length == 0
            ? CommandInput.Request(new Query(input.Chat))
            : CommandInput.Invalid($"Usage: `{input.Prefix}stats` (this server's totals). For games, `{input.Prefix}play stats [@user]`.");
}
