using System.Globalization;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Leaderboard;
using EventBot.Bot.Features.Remember;
using EventBot.Bot.Hosting;
using Mediator;
using HelpQuery = EventBot.Bot.Features.Help.Help.Query;

namespace EventBot.Bot.Parsing;

/// <summary>What a message turned out to be.</summary>
public abstract record ParseResult
{
    private ParseResult() { }

    /// <summary>Not addressed to the bot (no prefix): no reply.</summary>
    public sealed record Ignored : ParseResult;

    public sealed record Request(IMessage Message) : ParseResult;

    /// <summary>Addressed to the bot but not understood: the reply says why; nothing is written.</summary>
    public sealed record Invalid(string Reply) : ParseResult;

    public static readonly ParseResult Ignore = new Ignored();
}

/// <summary>
/// Turns message text into a request. Total: any text yields a result, never an exception (a property test holds
/// it to that). Adapters build the <see cref="ChatMessage"/>, this picks the slice.
/// </summary>
public sealed partial class CommandParser(string prefix)
{
    private static readonly string[] RememberSubcommands = ["search", "history", "restore"];

    // Words people try that are not subcommands; a key may still be one of them when set with `is`.
    private static readonly string[] NotSubcommands = ["list", "ls", "delete", "del", "remove", "rm", "set", "get", "unset", "clear", "forget", "show", "find"];

    public static CommandParser For(BotOptions options) => new(options.Prefix);

    public ParseResult Parse(ChatMessage message)
    {
        var content = message.Content;
        if (!content.StartsWith(prefix, StringComparison.Ordinal)) return ParseResult.Ignore;
        var rest = content.AsSpan(prefix.Length);
        // "..." or ". hello" are chat, not commands.
        if (rest.IsEmpty || !char.IsLetter(rest[0])) return ParseResult.Ignore;
        if (content.Length > BotOptions.MaxMessageLength)
            return Invalid($"That message is too long ({content.Length:N0} characters; commands take at most {BotOptions.MaxMessageLength:N0}). Nothing was saved.");

        var (verb, args) = SplitFirstWord(rest.ToString());
        return verb.ToLowerInvariant() switch
        {
            "remember" or "rem" => ParseRemember(message, args),
            "forget" => args.Length == 0
                ? Invalid($"Usage: `{prefix}forget <key>`")
                : Request(new Forget.Command(message, args)),
            "sparkle" => ParseSparkle(message, args),
            "show" => ParseShow(message, args),
            "play" => ParsePlay(message, args),
            "leaderboard" or "lb" => ParseLeaderboard(message, args),
            "stats" => args.Length == 0 ? Request(new ServerStats.Query(message)) : Invalid($"Usage: `{prefix}stats` (this server's totals). For games, `{prefix}play stats [@user]`."),
            "help" or "commands" => Request(new HelpQuery(message)),
            _ => Invalid($"Unknown command `{prefix}{Clip(verb)}`. Try `{prefix}help`."),
        };
    }

    private ParseResult ParseRemember(ChatMessage message, string args)
    {
        if (args.Length == 0)
            return Invalid($"Usage: `{prefix}remember <key> is <value>` to remember, `{prefix}remember <key>` to recall. See `{prefix}help`.");

        var (first, afterFirst) = SplitFirstWord(args);
        var firstLower = first.ToLowerInvariant();
        var (second, _) = SplitFirstWord(afterFirst);
        var secondIsIs = second.Equals("is", StringComparison.OrdinalIgnoreCase);

        // A subcommand word followed by `is` is a key being set (".remember search is broken").
        if (!secondIsIs)
        {
            switch (firstLower)
            {
                case "search":
                    return Request(new Search.Query(message, afterFirst.Length == 0 ? null : afterFirst));
                case "history":
                    var (key, page) = SplitPage(afterFirst);
                    return page is null
                        ? Invalid($"Usage: `{prefix}remember history [key] [page N]` with N a whole number from 1.")
                        : Request(new History.Query(message, key.Length == 0 ? null : key, page.Value));
                case "restore":
                    return ParseRestore(message, afterFirst);
            }
            if (afterFirst.Length > 0 && (NotSubcommands.Contains(firstLower) || RememberSubcommands.Any(s => IsTypo(firstLower, s))))
                return Invalid($"Unknown `{prefix}remember` subcommand `{Clip(first)}`. Subcommands: search, history, restore. To forget, use `{prefix}forget <key>`; to remember, `{prefix}remember <key> is <value>`.");
        }

        var isAt = FindWordIs(args);
        if (isAt < 0 && FindAsOf(args) is { } asOf)
        {
            var asOfKey = args[..asOf].Trim();
            return asOfKey.Length == 0
                ? Invalid($"The key is empty. Usage: `{prefix}remember <key> as of <time>`.")
                : Request(new AsOf.Query(message, asOfKey, args[(asOf + " as of".Length)..].Trim()));
        }
        if (isAt < 0) return Request(new Recall.Query(message, args));
        var keyText = args[..isAt].Trim();
        var valueText = args[(isAt + 2)..].Trim();
        if (keyText.Length == 0) return Invalid($"The key is empty. Usage: `{prefix}remember <key> is <value>`.");
        if (valueText.Length == 0) return Invalid($"The value for {Md.Code(Clip(keyText))} is empty. Usage: `{prefix}remember <key> is <value>`.");
        return Request(new RememberValue.Command(message, keyText, valueText));
    }

    private ParseResult ParseRestore(ChatMessage message, string args)
    {
        var usage = $"Usage: `{prefix}remember restore <key> <version>`, e.g. `{prefix}remember restore meeting 2` (versions are in `{prefix}remember history <key>`).";
        var words = args.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2) return Invalid(usage);
        var versionText = words[^1].TrimStart('v', 'V');
        if (!long.TryParse(versionText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var version))
            return Invalid($"`{Clip(words[^1])}` is not a version number. {usage}");
        var key = args[..args.LastIndexOf(words[^1], StringComparison.Ordinal)].Trim();
        return Request(new Restore.Command(message, key, version));
    }

    /// <summary>Index of the space before the last whole words "as of" followed by something, or null.</summary>
    public static int? FindAsOf(string text)
    {
        var at = text.LastIndexOf(" as of ", StringComparison.OrdinalIgnoreCase);
        return at > 0 && text[(at + 7)..].Trim().Length > 0 ? at : null;
    }

    /// <summary>Index of the first whole word "is" (any case), or -1. "this" and "island" do not count.</summary>
    public static int FindWordIs(string text)
    {
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if ((text[i] is 'i' or 'I') && (text[i + 1] is 's' or 'S')
                && (i == 0 || char.IsWhiteSpace(text[i - 1]))
                && (i + 2 == text.Length || char.IsWhiteSpace(text[i + 2])))
                return i;
        }
        return -1;
    }

    private static (string Word, string Remainder) SplitFirstWord(string text)
    {
        var trimmed = text.TrimStart();
        var end = 0;
        while (end < trimmed.Length && !char.IsWhiteSpace(trimmed[end])) end++;
        return (trimmed[..end], trimmed[end..].Trim());
    }

    /// <summary>Splits a trailing "page N"; page is null when "page" is followed by something that is not a number.</summary>
    private static (string Remainder, int? Page) SplitPage(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 1 && words[^1].Equals("page", StringComparison.OrdinalIgnoreCase)) return (text, null);
        if (words.Length >= 2 && words[^2].Equals("page", StringComparison.OrdinalIgnoreCase))
        {
            if (!int.TryParse(words[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return (text, null);
            var cut = text.LastIndexOf(words[^2], StringComparison.OrdinalIgnoreCase);
            return (text[..cut].Trim(), n);
        }
        return (text, 1);
    }

    private static bool IsTypo(string word, string target) =>
        word != target && word.Length >= 4 && Math.Abs(word.Length - target.Length) <= 1 && FuzzyMatch.Score(word, target) is > 0 and < 500;

    private static string Clip(string text) => Md.Shorten(text, 41);

    private static ParseResult Request(IMessage message) => new ParseResult.Request(message);

    private static ParseResult Invalid(string reply) => new ParseResult.Invalid(reply);
}
