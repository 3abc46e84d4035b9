using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary><c>.forget &lt;key&gt;</c>: forget a value. History keeps it.</summary>
public static class Forget
{
    public static readonly CommandVerb Verb = new("forget");

    public static readonly CommandSyntax Syntax = new(Verb, null, [new("forget <key>", "forget a value")], Parse)
    {
        Options = [new("key", OptionKind.Text, "the key to forget")],
    };

    public static readonly SlashSyntax Slash = new(RememberVerb.Slash, "forget", "Forget a value (history keeps it)", [RememberVerb.KeyOption("the key to forget")],
        input => input.Text("key") is { } key ? input.Validated(MemoryKey.Create(key), k => new Command(input.Chat, k)) : SlashInput.Missing("key"));

    public sealed record Command(ChatMessage Chat, MemoryKey Key) : ICommand<Reply>, IGuildScoped;

    public sealed class Handler(AggregateService aggregates) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var key = command.Key;
            var outcome = await aggregates.HandleAsync<Memory, RememberEvent>(
                new StreamName(RememberStream.For(command.Chat.Guild!.Value, key)), Memory.Initial, Memory.Evolve,
                state => RememberDecider.Decide(new RememberCommand.Forget(key), state), command.Chat, cancellationToken);
            return outcome.Match(
                appended: RememberReplies.Forgot,
                unchanged: _ => RememberReplies.NothingToForget(key),
                rejected: r => Reply.Of(Md.Capitalise(r.Reason)),
                alreadyHandled: _ => Reply.Of("Already forgotten (this message was handled before)."));
        }
    }

    private static ParseResult Parse(CommandInput input) =>
        input.Args.Length == 0
            ? CommandInput.Invalid($"Usage: `{input.Prefix}forget <key>`")
            : input.Validated(MemoryKey.Create(input.Args), key => new Command(input.Chat, key));
}
