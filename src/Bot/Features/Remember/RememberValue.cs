using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary><c>.remember &lt;key&gt; is &lt;value&gt;</c>: remember a value, replacing (and showing) the previous one.</summary>
public static class RememberValue
{
    public sealed record Command(ChatMessage Chat, string Key, string Value) : ICommand<Reply>, IGuildScoped, IValidate
    {
        public string? Validate() => MemoryKey.Create(Key).Error ?? MemoryValue.Create(Value).Error;
    }

    public sealed class Handler(AggregateService aggregates, RememberConsistency consistency) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var (guild, key, value) = (command.Chat.Guild!.Value, MemoryKey.Parse(command.Key), MemoryValue.Create(command.Value).Value);
            var outcome = await aggregates.HandleAsync<Memory, RememberEvent>(
                new StreamName(RememberStream.For(guild, key)), Memory.Initial, Memory.Evolve,
                state => RememberDecider.Decide(new RememberCommand.Remember(key, value), state), command.Chat, cancellationToken);

            return outcome switch
            {
                CommandOutcome<Memory, RememberEvent>.Appended { Events: [RememberEvent.ValueRemembered { PreviousValue: { } previous } e] } a =>
                    await consistency.AfterWriteAsync(guild, key, a.Version, $"Updated {Md.Code(e.Key)}: {e.Value}\n(was: {previous})", cancellationToken),
                CommandOutcome<Memory, RememberEvent>.Appended { Events: [RememberEvent.ValueRemembered e] } a =>
                    await consistency.AfterWriteAsync(guild, key, a.Version, $"Remembered {Md.Code(e.Key)}: {e.Value}", cancellationToken),
                CommandOutcome<Memory, RememberEvent>.Unchanged { State: Memory.Holding h } =>
                    Reply.Of($"{Md.Code(h.Key)} is already {h.Value}"),
                CommandOutcome<Memory, RememberEvent>.AlreadyHandled done =>
                    Reply.Of($"Already remembered (this message was handled before, as v{done.Version})."),
                CommandOutcome<Memory, RememberEvent>.Rejected r => Reply.Of($"⚠️ {r.Reason}"),
                _ => throw new InvalidOperationException($"Unexpected outcome {outcome}"),
            };
        }
    }
}
