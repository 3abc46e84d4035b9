using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary><c>.remember &lt;key&gt;</c>: recall the current value, from the read model.</summary>
public static class Recall
{
    public sealed record Query(ChatMessage Chat, string Key) : IQuery<Reply>, IGuildScoped, IValidate
    {
        public string? Validate() => MemoryKey.Create(Key).Error;
    }

    public sealed class Handler(ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var key = MemoryKey.Parse(query.Key);
            var row = await readModels.GetAsync(RememberedValues.ProjectionName,
                RememberedValues.RowFor(query.Chat.Guild!.Value.ToString(), key.Normalized), cancellationToken);
            return RememberedValues.Read(row) switch
            {
                { Live: true } v => Reply.Of($"{Md.Code(v.Key)} is {v.Value}"),
                { } forgotten => Reply.Of($"Nothing remembered for {Md.Code(key.Display)} (forgotten by {forgotten.UpdatedBy} on {Md.When(forgotten.UpdatedAt)}; see `.remember history {key.Display}`)"),
                null => Reply.Of($"Nothing remembered for {Md.Code(key.Display)}"),
            };
        }
    }
}
