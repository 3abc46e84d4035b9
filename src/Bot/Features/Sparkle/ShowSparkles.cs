using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Projections.Core;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Sparkle;
using Mediator;

namespace EventBot.Bot.Features.Sparkle;

/// <summary><c>.show sparkles [@user]</c>: total, rank in the server (all time) and the latest sparkles with giver and date.</summary>
public static class ShowSparkles
{
    public static readonly CommandVerb Verb = new("show") { Unmatched = input => CommandInput.Invalid(Usage(input)) };

    public static readonly CommandSyntax Syntax = new(Verb, "sparkles",
        [new("show sparkles [@user]", "sparkles received, rank in this server and the latest reasons")], Parse)
    {
        SubcommandAliases = ["sparkle"],
        Options = [new("user", OptionKind.User, "whose sparkles (you when left out)", Required: false)],
    };

    public static readonly SlashSyntax Slash = new(new SlashVerb("sparkles", "Sparkles received, rank in this server and the latest reasons"), null,
        "Sparkles received, rank in this server and the latest reasons",
        [new("user", OptionKind.User, "whose sparkles (you when left out)", Required: false)],
        input => input.Has("user") && input.User("user") is null
            ? CommandInput.Invalid("I don't know that user here: pick someone in this server.")
            : CommandInput.Request(new Query(input.Chat, input.User("user") ?? input.Chat.Author)));

    public sealed record Query(ChatMessage Chat, ChatUser User) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var (guild, user) = (query.Chat.Guild!.Value.ToString(), query.User);
            var total = SparkleTotals.Read(await readModels.GetAsync(SparkleTotals.ProjectionName, SparkleTotals.RowFor(guild, user.Id.Value), cancellationToken));
            if (total is null) return SparkleReplies.NoneYet(user, query.Chat.Author);
            var board = await readModels.QueryAsync(SparkleBoard.ProjectionName, SparkleBoard.Partition(guild, BoardWindows.AllTime), cancellationToken);
            return SparkleReplies.Shown(user, total, SparkleBoard.Rank(board.Select(SparkleBoard.Read).OfType<BoardEntry>()));
        }
    }

    private static string Usage(CommandInput input) => $"Usage: `{input.Prefix}show sparkles [@user]`";

    private static ParseResult Parse(CommandInput input) => Mentions.Optional(input.Chat, input.Args) switch
    {
        MentionLookup.Found found => CommandInput.Request(new Query(input.Chat, found.User)),
        MentionLookup.NotAMention when input.Args.Length == 0 => CommandInput.Request(new Query(input.Chat, input.Chat.Author)),
        _ => CommandInput.Invalid($"I don't know {Md.Code(CommandInput.Clip(input.Args))} here. {Usage(input)}"),
    };
}
