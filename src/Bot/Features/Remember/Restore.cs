using System.Globalization;
using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary>
/// <c>.remember restore &lt;key&gt; &lt;version&gt;</c>: brings back the value the key held at that version, as a new
/// event (<see cref="RememberEvent.ValueRestored"/>); history shows "restored from vN" and who did it. The stream is
/// read once: the value then and the state now come from the same read.
/// </summary>
public static class Restore
{
    public const string NeverRemembered = "never-remembered";

    public static readonly CommandSyntax Syntax = new(RememberVerb.Verb, "restore",
        [new("remember restore <key> <version>", "bring back the value of an earlier version (as a new change)")], Parse)
    {
        Options = [new("key", OptionKind.Text, "the key"), new("version", OptionKind.WholeNumber, "the version to bring back")],
    };

    public sealed record Command(ChatMessage Chat, MemoryKey Key, long Version) : ICommand<Reply>, IGuildScoped;

    public sealed class Handler(AggregateService aggregates) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var outcome = await aggregates.HandleAsync<Memory, RememberEvent>(
                new StreamName(RememberStream.For(command.Chat.Guild!.Value, command.Key)), Memory.Initial, Memory.Evolve,
                (state, history) => Decide(command, state, history), command.Chat, cancellationToken);
            return outcome.Match(
                appended: RememberReplies.Restored,
                unchanged: u => RememberReplies.AlreadyRestored(u.State, command.Key),
                rejected: r => Reply.Of(r.Code == NeverRemembered ? r.Reason : Md.Error(r.Reason)),
                alreadyHandled: done => Reply.Of($"Already restored (this message was handled before, as v{done.Version})."));
        }
    }

    /// <summary>The version must exist and have set a value; then the domain decides.</summary>
    public static Decision<RememberEvent> Decide(Command command, Memory state, IReadOnlyList<RememberEvent> history)
    {
        var (key, version) = (command.Key, command.Version);
        if (history.Count == 0)
            return Decision<RememberEvent>.Reject(NeverRemembered, $"Nothing was ever remembered for {Md.Code(key.Display)}, so there is nothing to restore.");
        if (version > history.Count)
            return Decision<RememberEvent>.Reject("no-such-version", $"{Md.Code(key.Display)} has {history.Count} version{(history.Count == 1 ? "" : "s")}; there is no v{version} (see `.remember history {key.Display}`).");
        if (history.OfType<RememberEvent.ValueRedacted>().Any(r => r.Version == version))
            return Decision<RememberEvent>.Reject("redacted", $"v{version} of {Md.Code(key.Display)} was redacted; its value is gone for good and cannot be restored.");
        var valueThen = history[(int)version - 1] switch
        {
            RememberEvent.ValueRemembered r => r.Value,
            RememberEvent.ValueRestored r => r.Value,
            _ => null,
        };
        return valueThen is null
            ? Decision<RememberEvent>.Reject("was-a-forget", $"v{version} of {Md.Code(key.Display)} was a forget, not a value; pick a version that set one (see `.remember history {key.Display}`).")
            : RememberDecider.Decide(new RememberCommand.Restore(key, version, valueThen), state);
    }

    private static ParseResult Parse(CommandInput input)
    {
        var (p, args) = (input.Prefix, input.Args);
        var usage = $"Usage: `{p}remember restore <key> <version>`, e.g. `{p}remember restore meeting 2` (versions are in `{p}remember history <key>`).";
        var words = Words.All(args);
        if (words.Length < 2) return CommandInput.Invalid(usage);
        if (!long.TryParse(words[^1].TrimStart('v', 'V'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var version))
            return CommandInput.Invalid($"`{CommandInput.Clip(words[^1])}` is not a version number. {usage}");
        var key = MemoryKey.Create(args[..args.LastIndexOf(words[^1], StringComparison.Ordinal)].Trim());
        if (!key.IsValid) return input.ValueError(key.Error!);
        return version < 1
            ? input.ValueError("versions start at 1 (see `.remember history <key>`)")
            : CommandInput.Request(new Command(input.Chat, key.Value, version));
    }
}
