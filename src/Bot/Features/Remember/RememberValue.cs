using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary><c>.remember &lt;key&gt; is &lt;value&gt;</c>: remember a value, replacing (and showing) the previous one.</summary>
public static class RememberValue
{
    public static readonly CommandSyntax Syntax = new(RememberVerb.Verb, null,
        [new("remember <key> is <value>", "remember a value (replaces the old one; history keeps it)")], Parse)
    {
        Options = [new("key", OptionKind.Text, "the key"), new("value", OptionKind.Text, "the value to remember")],
    };

    public static readonly SlashSyntax Slash = new(RememberVerb.Slash, "set", "Remember a value (replaces the old one; history keeps it)",
        [RememberVerb.KeyOption("the key"), new("value", OptionKind.Text, "the value to remember")], Bind);

    public sealed record Command(ChatMessage Chat, MemoryKey Key, MemoryValue Value) : ICommand<Reply>, IGuildScoped;

    public sealed class Handler(AggregateService aggregates) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var (key, value) = (command.Key, command.Value);
            var outcome = await aggregates.HandleAsync<Memory, RememberEvent>(
                new StreamName(RememberStream.For(command.Chat.Guild!.Value, key)), Memory.Initial, Memory.Evolve,
                state => RememberDecider.Decide(new RememberCommand.Remember(key, value.Text), state), command.Chat, cancellationToken);
            return outcome.Match(
                appended: RememberReplies.Remembered,
                unchanged: u => RememberReplies.AlreadyHolds(u.State, key, value),
                rejected: r => Reply.Of(Md.Error(r.Reason)),
                alreadyHandled: done => Reply.Of($"Already remembered (this message was handled before, as v{done.Version})."));
        }
    }

    private static ParseResult Bind(SlashInput input)
    {
        if (input.Text("key") is not { } keyText) return SlashInput.Missing("key");
        if (input.Text("value") is not { } valueText) return SlashInput.Missing("value");
        var key = MemoryKey.Create(keyText);
        if (!key.IsValid) return input.ValueError(key.Error!);
        return input.Validated(MemoryValue.Create(valueText), value => new Command(input.Chat, key.Value, value));
    }

    private static ParseResult? Parse(CommandInput input)
    {
        var (p, args) = (input.Prefix, input.Args);
        var isAt = RememberVerb.FindWordIs(args);
        if (isAt < 0) return null;
        var (keyText, valueText) = (args[..isAt].Trim(), args[(isAt + 2)..].Trim());
        if (keyText.Length == 0) return CommandInput.Invalid($"The key is empty. Usage: `{p}remember <key> is <value>`.");
        if (valueText.Length == 0) return CommandInput.Invalid($"The value for {Md.Code(CommandInput.Clip(keyText))} is empty. Usage: `{p}remember <key> is <value>`.");
        var key = MemoryKey.Create(keyText);
        if (!key.IsValid) return input.ValueError(key.Error!);
        return input.Validated(MemoryValue.Create(valueText), value => new Command(input.Chat, key.Value, value));
    }
}
