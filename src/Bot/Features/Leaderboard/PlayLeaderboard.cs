using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
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
    public static readonly CommandSyntax Syntax = new(LeaderboardVerb.Verb, "play",
        [new("leaderboard play [game] [week|month|all]", "top 10 by wins, one game or all")], Parse)
    {
        SubcommandAliases = ["games", "game"],
        Options =
        [
            new("game", OptionKind.Text, "one game (all when left out)", Required: false) { Choices = ["rps", "coin", "dice"] },
            new("window", OptionKind.Text, "the period", Required: false) { Choices = ["week", "month", "all"] },
        ],
    };

    public sealed record Query(ChatMessage Chat, Game? Game, BoardWindow Window) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels, TimeProvider time) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var partition = PlayBoard.Partition(query.Chat.Guild!.Value.ToString(), query.Game, BoardWindows.Key(query.Window, now));
            var rows = await readModels.QueryAsync(PlayBoard.ProjectionName, partition, cancellationToken);
            var ranked = PlayBoard.Rank(rows.Select(PlayBoard.Read).OfType<PlayBoardEntry>());
            return BoardReplies.Games(query.Chat.Author, query.Game, BoardWindows.Describe(query.Window, now), ranked);
        }
    }

    private static ParseResult Parse(CommandInput input)
    {
        Game? game = null;
        BoardWindow? chosen = null;
        foreach (var word in Words.All(input.Args))
        {
            if (game is null && chosen is null && GameNames.TryGame(word, out var g)) game = g;
            else if (chosen is null && BoardWindows.TryParse(word, out var w)) chosen = w;
            else return CommandInput.Invalid($"`{CommandInput.Clip(word)}` is not a game or a window here: games are rps, coin and dice; windows are week, month and all. {LeaderboardVerb.Usage(input.Prefix)}");
        }
        return CommandInput.Request(new Query(input.Chat, game, chosen ?? BoardWindow.All));
    }
}
