using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Chat;
using EventBot.Bot.Cli;
using EventBot.Bot.Hosting;
using EventBot.Bot.Parsing;
using EventBot.Domain.Common;
using Mediator;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Features.Privacy;

/// <summary><c>.privacy</c>: a user's own data (docs/privacy.md).</summary>
public static class PrivacyVerb
{
    public static readonly CommandVerb Verb = new("privacy")
    {
        Unmatched = input => CommandInput.Invalid($"Usage: `{input.Prefix}privacy forget-me` to be forgotten, `{input.Prefix}privacy export` for your data."),
    };

    /// <summary><c>/privacy</c>: <c>forget-me</c> and <c>export</c>, both answered to the caller alone.</summary>
    public static readonly SlashVerb Slash = new("privacy", "Your own data: be forgotten, or export it (shown only to you)");
}

/// <summary>
/// Requests waiting for their confirmation: <c>.privacy forget-me</c> asks, <c>.privacy forget-me confirm</c> from the
/// same user within <see cref="Window"/> does it. In memory: a restart forgets the request, which is the safe side.
/// </summary>
public sealed class PendingConfirmations(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _asked = new(StringComparer.Ordinal);

    public void Ask(string what) => _asked[what] = time.GetUtcNow();

    /// <summary>True (and the request is used up) when it was asked within the window.</summary>
    public bool TryConfirm(string what) =>
        _asked.TryRemove(what, out var at) && time.GetUtcNow() - at <= Window;
}

/// <summary>
/// <c>.privacy forget-me</c>, then <c>.privacy forget-me confirm</c> within 60 seconds: the user's identity becomes
/// "[erased user]" everywhere and what they wrote "[erased]"; their totals stay, anonymously. It cannot be undone.
/// <c>/privacy forget-me</c> asks with a red button instead, whose <c>custom_id</c> carries the confirmation itself
/// (<see cref="ConfirmButton"/>: who asked and when), so the click needs no server-side state: it works after a restart
/// and on whichever process (gateway, HTTP endpoint, queue worker) receives it.
/// </summary>
public static class ForgetMe
{
    public const string ConfirmWord = "confirm";

    public static readonly CommandSyntax Syntax = new(PrivacyVerb.Verb, "forget-me",
        [new("privacy forget-me", "erase your identity and what you wrote, for good (asks to confirm)")], Parse)
    {
        Options = [new("confirm", OptionKind.Text, "type confirm to confirm", Required: false) { Choices = [ConfirmWord] }],
    };

    /// <summary><c>/privacy forget-me</c>: answers with the warning and the confirm button, for the caller alone.</summary>
    public static readonly SlashSyntax Slash = new(PrivacyVerb.Slash, "forget-me", "Erase your identity and what you wrote, for good (asks to confirm)", [],
        input => CommandInput.Request(new Command(input.Chat, false) { Slash = true }))
    {
        Personal = true,
    };

    /// <param name="Confirmed">The second step: <c>.privacy forget-me confirm</c>, or a click of the confirm button.</param>
    public sealed record Command(ChatMessage Chat, bool Confirmed) : ICommand<Reply>
    {
        /// <summary>Asked with <c>/privacy forget-me</c>: confirmed with the button, not a second message.</summary>
        public bool Slash { get; init; }

        /// <summary>A click of the confirm button: when the question was asked (from its <c>custom_id</c>).</summary>
        public DateTimeOffset? AskedAt { get; init; }
    }

    /// <summary>
    /// The confirm button's <c>custom_id</c>: <c>forget-me|{user id}|{asked at, Unix ms in base 36}</c> (at most 37
    /// characters). The click counts only from that user and within <see cref="PendingConfirmations.Window"/> of the ask.
    /// </summary>
    public sealed record ConfirmButton(UserId User, DateTimeOffset AskedAt)
    {
        private const string Tag = "forget-me";

        public string Encode() => $"{Tag}|{User}|{PageCursor.Base36(AskedAt.ToUnixTimeMilliseconds())}";

        public static ConfirmButton? Parse(string? customId) =>
            (customId ?? "").Split('|') is [Tag, var user, var at]
                && ulong.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && PageCursor.FromBase36(at) is { } ms
                && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
                ? new ConfirmButton(new UserId(id), DateTimeOffset.FromUnixTimeMilliseconds(ms))
                : null;
    }

    public sealed class Handler(Erasure erasure, PendingConfirmations pending, TimeProvider time, IOptions<BotOptions> options) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var who = "forget-me:" + command.Chat.Author.Id;
            const string Warning = "⚠️ This erases your name and id from everything this bot stored, everywhere, and the sparkle reasons you wrote; " +
                "your totals and games stay, anonymously. It cannot be undone.";
            if (!command.Confirmed && command.Slash)
                return new Reply($"{Warning} To go ahead, press **Forget me for good** within 60 seconds.")
                {
                    Ephemeral = true,
                    Buttons = [new ReplyButton(new ConfirmButton(command.Chat.Author.Id, time.GetUtcNow()).Encode(), "Forget me for good") { Danger = true }],
                };
            if (!command.Confirmed)
            {
                pending.Ask(who);
                return Reply.Of($"{Warning} To go ahead, send `.privacy forget-me confirm` within 60 seconds.");
            }
            var confirmed = command.AskedAt is { } asked
                ? time.GetUtcNow() - asked is var age && age >= TimeSpan.Zero && age <= PendingConfirmations.Window
                : pending.TryConfirm(who);
            if (!confirmed)
                return Reply.Of(Md.Error(command.AskedAt is null
                    ? "nothing to confirm: send `.privacy forget-me` first, then confirm within 60 seconds"
                    : "that confirmation is more than 60 seconds old: run `/privacy forget-me` again"));
            var actor = new ErasureActor(command.Chat.Author.Id.ToString(), command.Chat.Author.DisplayName, command.Chat.IdempotencyKey);
            var result = await erasure.ForgetUserAsync(command.Chat.Author.Id.ToString(), "self", actor, cancellationToken, command.Chat.Guild?.ToString());
            // A console user's name is also a line of console-users.txt (none matches a Discord user).
            await ConsoleUsers.ForgetAsync(options.Value.DataDir, command.Chat.Author.Id, cancellationToken);
            return Reply.Of(result.Keys == 0
                ? "Nothing stored names you (nothing since encryption began), so there is nothing to forget."
                : "You are forgotten: your name and id read as “[erased user]” everywhere, and what you wrote as “[erased]”." +
                  (result.Rebuilt ? "" : " The boards and history still show it for a moment: they are being updated."));
        }
    }

    private static ParseResult Parse(CommandInput input) =>
        input.Args.Trim() switch
        {
            "" => CommandInput.Request(new Command(input.Chat, false)),
            var word when word.Equals(ConfirmWord, StringComparison.OrdinalIgnoreCase) => CommandInput.Request(new Command(input.Chat, true)),
            _ => CommandInput.Invalid($"Usage: `{input.Prefix}privacy forget-me`, then `{input.Prefix}privacy forget-me confirm`."),
        };
}

/// <summary>
/// <c>.privacy export</c> and <c>/privacy export</c>: every event of this server in which the user is the actor or a
/// target, decrypted, as a JSON file (<see cref="PrivacyExport.ForGuildAsync"/>). The console writes the file and answers
/// with its path; on Discord the file is a <see cref="ReplyAttachment"/>: an ephemeral attachment of the interaction's
/// answer, or a DM for the typed command. Over Discord's upload limit it is gzipped; still over it, the answer says so
/// and names the operator's route.
/// </summary>
public static class ExportMine
{
    public static readonly CommandSyntax Syntax = new(PrivacyVerb.Verb, "export",
        [new("privacy export", "every event about you, decrypted, as a JSON file")], Parse);

    /// <summary><c>/privacy export</c>: the same request, answered to the caller alone.</summary>
    public static readonly SlashSyntax Slash = new(PrivacyVerb.Slash, "export", "Every event about you, decrypted, as a JSON file", [],
        input => CommandInput.Request(new Command(input.Chat)))
    {
        Personal = true,
    };

    public sealed record Command(ChatMessage Chat) : ICommand<Reply>;

    public sealed class Handler(PrivacyExport export, IOptions<BotOptions> options) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            if (command.Chat.Guild is not { } guild)
                return Reply.Of(Md.Error("an export covers one server: run `privacy export` in the server whose data you want"));
            var userId = command.Chat.Author.Id.ToString();
            var (count, json, _) = await export.ForGuildAsync(userId, guild.ToString(), cancellationToken);
            const string Scope = "This server only: an operator's `privacy export --user <your id>` covers every server.";
            var name = $"privacy-export-{userId}-{guild}.json";
            if (command.Chat.Platform == "console")
            {
                var path = Path.GetFullPath(Path.Combine(options.Value.DataDir, name));
                await Cli.PrivacyVerb.WritePrivateAsync(path, json, cancellationToken);
                return Reply.Of($"{count} events written to {path}\n{Scope}");
            }
            return File(name, Encoding.UTF8.GetBytes(json)) is { } file
                ? new Reply($"Your data export: {count} events in which you are the actor or a target, decrypted. {Scope}") { Ephemeral = true, Attachment = file }
                : new Reply(Md.Error($"your export ({count} events) is larger than Discord lets a bot send ({ReplyAttachment.MaxBytes / (1024 * 1024)} MiB), even compressed: ask an operator to run `privacy export --user {userId}`")) { Ephemeral = true };
        }

        /// <summary>The JSON as it is when it fits Discord's limit, else gzipped (<c>.json.gz</c>), else null.</summary>
        internal static ReplyAttachment? File(string name, byte[] json)
        {
            if (json.Length <= ReplyAttachment.MaxBytes) return new ReplyAttachment(name, "application/json", json);
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(json);
            return buffer.Length <= ReplyAttachment.MaxBytes ? new ReplyAttachment(name + ".gz", "application/gzip", buffer.ToArray()) : null;
        }
    }

    private static ParseResult Parse(CommandInput input) =>
        input.Args.Trim().Length == 0 ? CommandInput.Request(new Command(input.Chat)) : CommandInput.Invalid($"Usage: `{input.Prefix}privacy export`.");
}
