using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary>
/// <c>.remember &lt;key&gt;</c>: recall the current value, from the read model. <c>.remember get &lt;key&gt;</c> does the
/// same for any key, also one named like a subcommand (<c>history</c>, <c>search</c>, …).
/// </summary>
public static class Recall
{
    public static readonly CommandSyntax Syntax = new(RememberVerb.Verb, null, [new("remember <key>", "recall a value")], Parse)
    {
        Options = [new("key", OptionKind.Text, "the key to recall")],
    };

    /// <summary><c>.remember get &lt;key&gt;</c>: the words after <c>get</c> are the key, whatever they are.</summary>
    public static readonly CommandSyntax Get = new(RememberVerb.Verb, "get",
        [new("remember get <key>", "recall a value; works for keys named like a subcommand (`history`, `search`, …)")], ParseGet)
    {
        Options = [new("key", OptionKind.Text, "the key to recall")],
    };

    /// <summary><c>/remember get key:…</c>: one subcommand covers both prefix forms.</summary>
    public static readonly SlashSyntax Slash = new(RememberVerb.Slash, "get", "Recall a value", [RememberVerb.KeyOption("the key to recall")],
        input => input.Text("key") is { } key ? input.Validated(MemoryKey.Create(key), k => new Query(input.Chat, k)) : SlashInput.Missing("key"));

    public sealed record Query(ChatMessage Chat, MemoryKey Key) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var row = await readModels.GetAsync(RememberedValues.ProjectionName,
                RememberedValues.RowFor(query.Chat.Guild!.Value.ToString(), query.Key.Normalized), cancellationToken);
            return RememberReplies.Recalled(query.Key, RememberedValues.Read(row));
        }
    }

    // Neither "is" (remember) nor "as of" (a past value): the words are the key.
    private static ParseResult? Parse(CommandInput input) =>
        RememberVerb.FindWordIs(input.Args) >= 0 || RememberVerb.FindAsOf(input.Args) is not null
            ? null
            : input.Validated(MemoryKey.Create(input.Args), key => new Query(input.Chat, key));

    private static ParseResult ParseGet(CommandInput input) =>
        input.Args.Length == 0
            ? CommandInput.Invalid($"Usage: `{input.Prefix}remember get <key>`")
            : input.Validated(MemoryKey.Create(input.Args), key => new Query(input.Chat, key));
}
