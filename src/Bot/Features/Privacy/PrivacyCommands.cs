using System.Collections.Concurrent;
using EventBot.Bot.Chat;
using EventBot.Bot.Cli;
using EventBot.Bot.Hosting;
using EventBot.Bot.Parsing;
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
/// </summary>
public static class ForgetMe
{
    public const string ConfirmWord = "confirm";

    public static readonly CommandSyntax Syntax = new(PrivacyVerb.Verb, "forget-me",
        [new("privacy forget-me", "erase your identity and what you wrote, for good (asks to confirm)")], Parse)
    {
        Options = [new("confirm", OptionKind.Text, "type confirm to confirm", Required: false) { Choices = [ConfirmWord] }],
    };

    public sealed record Command(ChatMessage Chat, bool Confirmed) : ICommand<Reply>;

    public sealed class Handler(Erasure erasure, PendingConfirmations pending) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var who = "forget-me:" + command.Chat.Author.Id;
            if (!command.Confirmed)
            {
                pending.Ask(who);
                return Reply.Of("⚠️ This erases your name and id from everything this bot stored, everywhere, and the sparkle reasons you wrote; " +
                    "your totals and games stay, anonymously. It cannot be undone. To go ahead, send `.privacy forget-me confirm` within 60 seconds.");
            }
            if (!pending.TryConfirm(who))
                return Reply.Of(Md.Error("nothing to confirm: send `.privacy forget-me` first, then confirm within 60 seconds"));
            var actor = new ErasureActor(command.Chat.Author.Id.ToString(), command.Chat.Author.DisplayName, command.Chat.IdempotencyKey);
            var result = await erasure.ForgetUserAsync(command.Chat.Author.Id.ToString(), "self", actor, cancellationToken);
            return Reply.Of(result.Keys == 0
                ? "Nothing stored names you (nothing since encryption began), so there is nothing to forget."
                : "You are forgotten: your name and id read as “[erased user]” everywhere, and what you wrote as “[erased]”." +
                  (result.Rebuilt ? "" : " The read models are rebuilt by the next replay."));
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

/// <summary><c>.privacy export</c>: every event in which the user is actor or target, decrypted, as a JSON file (the console answers with its path).</summary>
public static class ExportMine
{
    public static readonly CommandSyntax Syntax = new(PrivacyVerb.Verb, "export",
        [new("privacy export", "every event about you, decrypted, as a JSON file")], Parse);

    public sealed record Command(ChatMessage Chat) : ICommand<Reply>;

    public sealed class Handler(Erasure erasure, IOptions<BotOptions> options) : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            if (command.Chat.Platform != "console")
                return Reply.Of("Exports are sent as a file, which only the console and `/privacy export` can do for now; an operator can run `privacy export --user <your id>`.");
            var userId = command.Chat.Author.Id.ToString();
            var (count, json) = await erasure.ExportAsync(userId, cancellationToken);
            var path = Path.GetFullPath(Path.Combine(options.Value.DataDir, $"privacy-export-{userId}.json"));
            await Cli.PrivacyVerb.WritePrivateAsync(path, json, cancellationToken);
            return Reply.Of($"{count} events written to {path}");
        }
    }

    private static ParseResult Parse(CommandInput input) =>
        input.Args.Trim().Length == 0 ? CommandInput.Request(new Command(input.Chat)) : CommandInput.Invalid($"Usage: `{input.Prefix}privacy export`.");
}
