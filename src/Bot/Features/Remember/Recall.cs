using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary><c>.remember &lt;key&gt;</c>: recall the current value, from the read model.</summary>
public static class Recall
{
    public static readonly CommandSyntax Syntax = new(RememberVerb.Verb, null, [new("remember <key>", "recall a value")], Parse)
    {
        Options = [new("key", OptionKind.Text, "the key to recall")],
    };

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
}
