using System.Globalization;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Privacy;
using EventBot.Bot.Parsing;
using EventBot.Domain.Remember;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary>
/// <c>.remember redact &lt;key&gt; &lt;version&gt;</c> (moderators: Manage Messages, or the console user): that version's value
/// is erased for good (its key destroyed, docs/privacy.md). History shows it as redacted, by whom and when.
/// </summary>
public static class Redact
{
    public static readonly CommandSyntax Syntax = new(RememberVerb.Verb, "redact",
        [new("remember redact <key> <version>", "erase one version's value for good (moderators)")], Parse)
    {
        Options = [new("key", OptionKind.Text, "the key"), new("version", OptionKind.WholeNumber, "the version to erase")],
    };

    /// <summary>
    /// <c>/remember redact key:… version:…</c>: keys and versions are suggested as for restore. Manage Messages is read
    /// from the interaction's <c>member.permissions</c>.
    /// </summary>
    public static readonly SlashSyntax Slash = new(RememberVerb.Slash, "redact", "Erase one version's value for good (moderators: Manage Messages)",
        [RememberVerb.KeyOption("the key"), new("version", OptionKind.WholeNumber, "the version to erase") { MinValue = 1, Autocomplete = true }],
        input => input.Text("key") is not { } key ? SlashInput.Missing("key")
            : input.Number("version") is not { } version ? SlashInput.Missing("version")
            : version < 1 ? input.ValueError("versions start at 1 (see `/remember history`)")
            : input.Validated(MemoryKey.Create(key), k => new Command(input.Chat, k, version)));

    public sealed record Command(ChatMessage Chat, MemoryKey Key, long Version) : ICommand<Reply>, Pipeline.IGuildScoped;

    public sealed class Handler(Erasure erasure) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var (chat, key, version) = (command.Chat, command.Key, command.Version);
            if (!chat.IsModerator)
                return Reply.Of(Md.Error(chat.MemberPermissions is null
                    ? "redacting needs Manage Messages, which a typed command cannot show: use `/remember redact`, or ask an operator (`privacy redact`)"
                    : "redacting needs the Manage Messages permission"));
            var actor = new ErasureActor(chat.Author.Id.ToString(), chat.Author.DisplayName, chat.IdempotencyKey);
            var (outcome, result) = await erasure.RedactAsync(chat.Guild!.Value, key, version, actor, cancellationToken);
            return outcome switch
            {
                Erasure.RedactOutcome.Redacted => Reply.Of($"Redacted v{version} of {Md.Code(key.Display)}: its value is gone for good." +
                    (result!.Rebuilt ? "" : " The boards and history still show it for a moment: they are being updated.")),
                Erasure.RedactOutcome.AlreadyRedacted => Reply.Of($"v{version} of {Md.Code(key.Display)} is already redacted."),
                Erasure.RedactOutcome.NotAValue => Reply.Of(Md.Error($"v{version} of {key.Display} set no value (it was a forget or a redaction)")),
                _ => Reply.Of(Md.Error($"{key.Display} has no v{version} (see `.remember history {key.Display}`)")),
            };
        }
    }

    private static ParseResult Parse(CommandInput input)
    {
        var usage = $"Usage: `{input.Prefix}remember redact <key> <version>`, e.g. `{input.Prefix}remember redact wifi 3`.";
        var words = Words.All(input.Args);
        if (words.Length < 2) return CommandInput.Invalid(usage);
        if (!long.TryParse(words[^1].TrimStart('v', 'V'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            return CommandInput.Invalid($"`{CommandInput.Clip(words[^1])}` is not a version number. {usage}");
        var key = MemoryKey.Create(input.Args[..input.Args.LastIndexOf(words[^1], StringComparison.Ordinal)].Trim());
        return key.IsValid ? CommandInput.Request(new Command(input.Chat, key.Value, version)) : input.ValueError(key.Error!);
    }
}
