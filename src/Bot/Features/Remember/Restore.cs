using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary>
/// <c>.remember restore &lt;key&gt; &lt;version&gt;</c>: brings back the value the key held at that version, as a new
/// event (<see cref="RememberEvent.ValueRestored"/>); history shows "restored from vN" and who did it.
/// </summary>
public static class Restore
{
    public sealed record Command(ChatMessage Chat, string Key, long Version) : ICommand<Reply>, IGuildScoped, IValidate
    {
        public string? Validate() => MemoryKey.Create(Key).Error ?? (Version < 1 ? "versions start at 1 (see `.remember history <key>`)" : null);
    }

    public sealed class Handler(IEventReader store, EventCodec codec, AggregateService aggregates, RememberConsistency consistency) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var (guild, key) = (command.Chat.Guild!.Value, MemoryKey.Parse(command.Key));
            var stream = new StreamName(RememberStream.For(guild, key));
            var events = await store.ReadStreamAsync(stream, 1, cancellationToken);
            if (events.Count == 0) return Reply.Of($"Nothing was ever remembered for {Md.Code(key.Display)}, so there is nothing to restore.");
            if (command.Version > events.Count)
                return Reply.Of($"⚠️ {Md.Code(key.Display)} has {events.Count} version{(events.Count == 1 ? "" : "s")}; there is no v{command.Version} (see `.remember history {key.Display}`).");
            var valueThen = codec.Decode(events[(int)command.Version - 1]) switch
            {
                RememberEvent.ValueRemembered r => r.Value,
                RememberEvent.ValueRestored r => r.Value,
                _ => null,
            };
            if (valueThen is null)
                return Reply.Of($"⚠️ v{command.Version} of {Md.Code(key.Display)} was a forget, not a value; pick a version that set one (see `.remember history {key.Display}`).");

            var outcome = await aggregates.HandleAsync<Memory, RememberEvent>(stream, Memory.Initial, Memory.Evolve,
                state => RememberDecider.Decide(new RememberCommand.Restore(key, command.Version, valueThen), state), command.Chat, cancellationToken);
            return outcome switch
            {
                CommandOutcome<Memory, RememberEvent>.Appended { Events: [RememberEvent.ValueRestored e] } a =>
                    await consistency.AfterWriteAsync(guild, key, a.Version,
                        $"Restored {Md.Code(e.Key)} to {e.Value} from v{e.FromVersion}" + (e.PreviousValue is { } p ? $"\n(was: {p})" : " (it had been forgotten)"), cancellationToken),
                CommandOutcome<Memory, RememberEvent>.Unchanged { State: Memory.Holding h } => Reply.Of($"{Md.Code(h.Key)} already is {h.Value}; nothing to restore."),
                CommandOutcome<Memory, RememberEvent>.AlreadyHandled done => Reply.Of($"Already restored (this message was handled before, as v{done.Version})."),
                CommandOutcome<Memory, RememberEvent>.Rejected r => Reply.Of($"⚠️ {r.Reason}"),
                _ => throw new InvalidOperationException($"Unexpected outcome {outcome}"),
            };
        }
    }
}
