using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary>
/// <c>.remember &lt;key&gt; as of &lt;time&gt;</c>: the value the key had then, folded from the key's own stream (strongly
/// consistent; the read model only knows the present).
/// </summary>
public static class AsOf
{
    public sealed record Query(ChatMessage Chat, string Key, string Time) : IQuery<Reply>, IGuildScoped, IValidate
    {
        public string? Validate() => MemoryKey.Create(Key).Error;
    }

    public sealed class Handler(IEventReader store, EventCodec codec, TimeProvider time) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var parsed = PointInTime.Parse(query.Time, time.GetUtcNow());
            if (!parsed.IsValid) return Reply.Of($"⚠️ {parsed.Error}");
            var (key, at) = (MemoryKey.Parse(query.Key), parsed.Value);
            var events = await store.ReadStreamAsync(new StreamName(RememberStream.For(query.Chat.Guild!.Value, key)), 1, cancellationToken);
            if (events.Count == 0) return Reply.Of($"Nothing was ever remembered for {Md.Code(key.Display)} in this server.");
            var then = events.TakeWhile(e => e.RecordedAt <= at).ToList();
            if (then.Count == 0)
                return Reply.Of($"{Md.Code(key.Display)} was first remembered on {Md.When(events[0].RecordedAt)}, after {Md.When(at)}: it had no value then.");

            var last = then[^1];
            return Memory.Fold(then.Select(e => (RememberEvent)codec.Decode(e))) switch
            {
                Memory.Holding h => Reply.Of($"As of {Md.When(at)}, {Md.Code(h.Key)} was {h.Value}\n(v{last.Version}, by {last.ActorName} on {Md.When(last.RecordedAt)})"),
                Memory.Forgotten f => Reply.Of($"As of {Md.When(at)}, {Md.Code(f.Key)} was forgotten (v{last.Version}, by {last.ActorName} on {Md.When(last.RecordedAt)}; it had been {f.LastValue})"),
                _ => Reply.Of($"As of {Md.When(at)}, {Md.Code(key.Display)} had no value."),
            };
        }
    }
}
