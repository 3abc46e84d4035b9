using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using Mediator;

namespace EventBot.Bot.Features.Help;

/// <summary><c>.help</c>: every command with a one-line description, generated from the parser's declarations.</summary>
public static class Help
{
    public static readonly CommandVerb Verb = new("help", "commands");

    public static readonly CommandSyntax Syntax = new(Verb, null, [new("help", "this list")], input => CommandInput.Request(new Query(input.Chat)));

    public sealed record Query(ChatMessage Chat) : IQuery<Reply>;

    public sealed class Handler(CommandParser parser) : IQueryHandler<Query, Reply>
    {
        public ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken) =>
            ValueTask.FromResult(HelpReplies.Render(parser.Prefix, parser.Syntaxes));
    }
}
