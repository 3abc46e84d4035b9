using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Projections.Core;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Sparkle;
using Mediator;

namespace EventBot.Bot.Features.Leaderboard;

/// <summary><c>.leaderboard sparkles [week|month|all]</c>: one Query of the window's board partition, ranked in memory.</summary>
public static class SparkleLeaderboard
{
    public static readonly CommandSyntax Syntax = new(LeaderboardVerb.Verb, "sparkles",
        [new("leaderboard sparkles [week|month|all]", "top 10 by sparkles received (`lb` for short)")], Parse)
    {
        SubcommandAliases = ["sparkle"],
        Options = [new("window", OptionKind.Text, "the period", Required: false) { Choices = ["week", "month", "all"] }],
    };

    public sealed record Query(ChatMessage Chat, BoardWindow Window) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels, TimeProvider time) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var partition = SparkleBoard.Partition(query.Chat.Guild!.Value.ToString(), BoardWindows.Key(query.Window, now));
            var rows = await readModels.QueryAsync(SparkleBoard.ProjectionName, partition, cancellationToken);
            return BoardReplies.Sparkles(query.Chat.Author, BoardWindows.Describe(query.Window, now), SparkleBoard.Rank(rows.Select(SparkleBoard.Read).OfType<BoardEntry>()));
        }
    }

    private static ParseResult Parse(CommandInput input)
    {
        var words = Words.All(input.Args);
        if (words.Length > 1) return CommandInput.Invalid($"Too many words. {LeaderboardVerb.Usage(input.Prefix)}");
        if (words.Length == 0) return CommandInput.Request(new Query(input.Chat, BoardWindow.All));
        return BoardWindows.TryParse(words[0], out var window)
            ? CommandInput.Request(new Query(input.Chat, window))
            : CommandInput.Invalid($"`{CommandInput.Clip(words[0])}` is not a window: pick week, month or all. {LeaderboardVerb.Usage(input.Prefix)}");
    }
}
