using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using Mediator;

namespace EventBot.Bot.Features.Help;

/// <summary><c>.help</c>: every command with a one-line description, generated from the parser's declarations.</summary>
public static class Help
{
    public static readonly CommandVerb Verb = new("help", "commands");

    public static readonly CommandSyntax Syntax = new(Verb, null, [new("help", "this list")], input => CommandInput.Request(new Query(input.Chat)));

    /// <summary><c>/help</c>: the slash commands, shown to the caller only.</summary>
    public static readonly SlashSyntax Slash = new(new SlashVerb("help", "Every command, shown only to you"), null, "Every command, shown only to you", [],
        input => CommandInput.Request(new Query(input.Chat, SlashForm: true)))
    {
        Personal = true,
    };

    /// <param name="SlashForm">List the slash commands (asked with <c>/help</c>) rather than the prefix ones.</param>
    public sealed record Query(ChatMessage Chat, bool SlashForm = false) : IQuery<Reply>;

    public sealed class Handler(CommandParser parser) : IQueryHandler<Query, Reply>
    {
        public ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken) =>
            ValueTask.FromResult(query.SlashForm ? HelpReplies.RenderSlash(Commands.Slash) : HelpReplies.Render(parser.Prefix, parser.Syntaxes));
    }
}
