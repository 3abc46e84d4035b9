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
/// event (<see cref="RememberEvent.ValueRestored"/>); history shows "restored from vN" and who did it. Two reads of
/// one event each, whatever the key's history: the version asked for (a point read) and the newest (the state now).
/// </summary>
public static class Restore
{
    public const string NeverRemembered = "never-remembered";

    public static readonly CommandSyntax Syntax = new(RememberVerb.Verb, "restore",
        [new("remember restore <key> <version>", "bring back the value of an earlier version (as a new change)")], Parse)
    {
        Options = [new("key", OptionKind.Text, "the key"), new("version", OptionKind.WholeNumber, "the version to bring back")],
    };

    /// <summary><c>/remember restore key:… version:…</c>: versions are suggested with their value and age.</summary>
    public static readonly SlashSyntax Slash = new(RememberVerb.Slash, "restore", "Bring back the value of an earlier version (as a new change)",
        [RememberVerb.KeyOption("the key"), new("version", OptionKind.WholeNumber, "the version to bring back") { MinValue = 1, Autocomplete = true }],
        input => input.Text("key") is not { } key ? SlashInput.Missing("key")
            : input.Number("version") is not { } version ? SlashInput.Missing("version")
            : version < 1 ? input.ValueError("versions start at 1 (see `.remember history <key>`)")
            : input.Validated(MemoryKey.Create(key), k => new Command(input.Chat, k, version)));

    public sealed record Command(ChatMessage Chat, MemoryKey Key, long Version) : ICommand<Reply>, IGuildScoped;

    public sealed class Handler(AggregateService aggregates, IEventReader store, EventCodec codec) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var stream = new StreamName(RememberStream.For(command.Chat.Guild!.Value, command.Key));
            // The version asked for, read on its own (a point read); events never change, so one read serves every attempt.
            var then = await store.ReadStreamBackwardAsync(stream, command.Version == long.MaxValue ? StreamRead.FromEnd : command.Version + 1, 1, cancellationToken);
            var atVersion = then is [var e] && e.Version == command.Version ? (RememberEvent)codec.Decode(e) : null;
            var outcome = await aggregates.HandleAsync(stream, MemoryAccess.Latest,
                (state, version) => Decide(command, state, version, atVersion), command.Chat, cancellationToken);
            return outcome.Match(
                appended: RememberReplies.Restored,
                unchanged: u => RememberReplies.AlreadyRestored(u.State, command.Key),
                rejected: r => Reply.Of(r.Code == NeverRemembered ? r.Reason : Md.Error(r.Reason)),
                alreadyHandled: done => Reply.Of($"Already restored (this message was handled before, as v{done.Version})."));
        }
    }

    /// <summary>
    /// The version must exist and have set a value; then the domain decides. <paramref name="version"/> is the stream's
    /// current version and <paramref name="atVersion"/> the event stored at the version asked for (null when none).
    /// </summary>
    public static Decision<RememberEvent> Decide(Command command, Memory state, long version, RememberEvent? atVersion)
    {
        var key = command.Key;
        if (version == 0)
            return Decision<RememberEvent>.Reject(NeverRemembered, $"Nothing was ever remembered for {Md.Code(key.Display)}, so there is nothing to restore.");
        if (command.Version > version || atVersion is null)
            return Decision<RememberEvent>.Reject("no-such-version", $"{Md.Code(key.Display)} has {version} version{(version == 1 ? "" : "s")}; there is no v{command.Version} (see `.remember history {key.Display}`).");
        var valueThen = atVersion switch
        {
            RememberEvent.ValueRemembered r => r.Value,
            RememberEvent.ValueRestored r => r.Value,
            _ => null,
        };
        // A redacted version's key is destroyed, so its value reads as the marker (docs/privacy.md).
        if (valueThen == Erased.Value)
            return Decision<RememberEvent>.Reject("redacted", $"v{command.Version} of {Md.Code(key.Display)} was redacted; its value is gone for good and cannot be restored.");
        return valueThen is null
            ? Decision<RememberEvent>.Reject("was-a-forget", $"v{command.Version} of {Md.Code(key.Display)} was a forget, not a value; pick a version that set one (see `.remember history {key.Display}`).")
            : RememberDecider.Decide(new RememberCommand.Restore(key, command.Version, valueThen), state);
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
