using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary><c>.forget &lt;key&gt;</c>: forget a value. History keeps it.</summary>
public static class Forget
{
    public sealed record Command(ChatMessage Chat, string Key) : ICommand<Reply>, IGuildScoped, IValidate
    {
        public string? Validate() => MemoryKey.Create(Key).Error;
    }

    public sealed class Handler(AggregateService aggregates, RememberConsistency consistency) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var (guild, key) = (command.Chat.Guild!.Value, MemoryKey.Parse(command.Key));
            var outcome = await aggregates.HandleAsync<Memory, RememberEvent>(
                new StreamName(RememberStream.For(guild, key)), Memory.Initial, Memory.Evolve,
                state => RememberDecider.Decide(new RememberCommand.Forget(key), state), command.Chat, cancellationToken);

            return outcome switch
            {
                CommandOutcome<Memory, RememberEvent>.Appended { Events: [RememberEvent.ValueForgotten e] } a =>
                    await consistency.AfterWriteAsync(guild, key, a.Version, $"Forgot {Md.Code(e.Key)} (was: {e.PreviousValue})", cancellationToken),
                CommandOutcome<Memory, RememberEvent>.AlreadyHandled => Reply.Of("Already forgotten (this message was handled before)."),
                CommandOutcome<Memory, RememberEvent>.Rejected r => Reply.Of(Md.Capitalise(r.Reason)),
                _ => throw new InvalidOperationException($"Unexpected outcome {outcome}"),
            };
        }
    }
}
