using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Common;
using Mediator;

namespace EventBot.Bot.Parsing;

/// <summary>
/// The words after a verb (and subcommand), with the message they came from and what a syntax needs to answer:
/// the prefix for usage lines, mentions, and the results it can give.
/// </summary>
public sealed record CommandInput(ChatMessage Chat, string Prefix, string Args)
{
    /// <summary>The subcommand words the verb knows (for typo hints).</summary>
    public IReadOnlyList<string> Subcommands { get; init; } = [];

    public (string Word, string After) FirstWord => Words.SplitFirst(Args);

    public static ParseResult Request(IMessage message) => new ParseResult.Request(message);

    /// <summary>An error reply, in the one error style (<see cref="Md.Error"/>).</summary>
    public static ParseResult Invalid(string reply) => new ParseResult.Invalid(Md.Error(reply));

    /// <summary>
    /// A value that broke its type's rules (a key too long, …). Reported only where the command can run at all: in a
    /// DM a server command answers that it needs a server, whatever its arguments.
    /// </summary>
    public ParseResult ValueError(string error) =>
        Chat.Guild is null ? new ParseResult.Invalid(GuildScope.ServerOnly) : Invalid(error);

    /// <summary>The request built from a valid value, or the value's error.</summary>
    public ParseResult Validated<T>(Validated<T> value, Func<T, IMessage> request) =>
        value.IsValid ? Request(request(value.Value)) : ValueError(value.Error!);

    /// <summary>User text quoted in a reply, cut so a long word cannot flood it.</summary>
    public static string Clip(string text) => Md.Shorten(text, 41);
}

/// <summary>Word splitting shared by every syntax.</summary>
public static class Words
{
    public static (string Word, string After) SplitFirst(string text)
    {
        var trimmed = text.TrimStart();
        var end = 0;
        while (end < trimmed.Length && !char.IsWhiteSpace(trimmed[end])) end++;
        return (trimmed[..end], trimmed[end..].Trim());
    }

    /// <summary>Whether a typed word is <paramref name="lowercase"/>, in any case.</summary>
    public static bool Is(string word, string lowercase) => string.Equals(word.ToLowerInvariant(), lowercase, StringComparison.Ordinal);

    public static string[] All(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
