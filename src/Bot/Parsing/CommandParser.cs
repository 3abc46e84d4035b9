using EventBot.Bot.Chat;
using EventBot.Bot.Features;
using EventBot.Bot.Hosting;
using Mediator;

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
/// Turns message text into a request by routing it to the slice that declared it (<see cref="CommandSyntax"/>):
/// the prefix, then the verb or an alias, then the verb's own rules, a subcommand, or the verb's other syntaxes in
/// catalog order. Total: any text yields a result, never an exception (a property test holds it to that).
/// </summary>
public sealed class CommandParser(string prefix, IReadOnlyList<CommandSyntax> syntaxes)
{
    public CommandParser(string prefix)
        : this(prefix, Commands.All)
    {
    }

    public static CommandParser For(BotOptions options) => new(options.Prefix);

    public string Prefix => prefix;

    /// <summary>Every syntax the parser routes to, in catalog order (the order of <c>.help</c>).</summary>
    public IReadOnlyList<CommandSyntax> Syntaxes => syntaxes;

    public ParseResult Parse(ChatMessage message)
    {
        var content = message.Content;
        if (!content.StartsWith(prefix, StringComparison.Ordinal)) return ParseResult.Ignore;
        var rest = content.AsSpan(prefix.Length);
        // Only the prefix, or the prefix and one punctuation mark (".", "..", ".?"), is answered like any unknown command.
        // Longer runs ("...", ".?!") are how people trail off in chat, and ". hello" or "...right" (a space or other
        // text after) is chat too: a bot in a busy server must not answer those.
        if (rest.Length <= 1 && IsOnlyPunctuation(rest)) return CommandInput.Invalid($"Unknown command {Md.Code(CommandInput.Clip(content))}. Try `{prefix}help`.");
        if (!char.IsLetter(rest[0])) return ParseResult.Ignore;
        if (content.Length > BotOptions.MaxMessageLength)
            return CommandInput.Invalid($"That message is too long ({content.Length:N0} characters; commands take at most {BotOptions.MaxMessageLength:N0}). Nothing was saved.");

        var (word, args) = Words.SplitFirst(rest.ToString());
        var forVerb = syntaxes.Where(s => s.Verb.Matches(word)).ToList();
        if (forVerb.Count == 0) return CommandInput.Invalid($"Unknown command `{prefix}{CommandInput.Clip(word)}`. Try `{prefix}help`.");
        var verb = forVerb[0].Verb;
        var input = new CommandInput(message, prefix, args) { Subcommands = [.. forVerb.Select(s => s.Subcommand).OfType<string>()] };
        return verb.Before?.Invoke(input) ?? Route(verb, forVerb, input);
    }

    private static bool IsOnlyPunctuation(ReadOnlySpan<char> rest)
    {
        foreach (var c in rest)
            if (!char.IsPunctuation(c) && !char.IsSymbol(c)) return false;
        return true;
    }

    private static ParseResult Route(CommandVerb verb, List<CommandSyntax> forVerb, CommandInput input)
    {
        var (first, afterFirst) = input.FirstWord;
        if (verb.SubcommandsApply(input) && forVerb.FirstOrDefault(s => s.MatchesSubcommand(first)) is { } subcommand)
            return subcommand.Parse(input with { Args = afterFirst }) ?? Unmatched(verb, input);
        foreach (var syntax in forVerb.Where(s => s.Subcommand is null))
            if (syntax.Parse(input) is { } result) return result;
        return Unmatched(verb, input);
    }

    private static ParseResult Unmatched(CommandVerb verb, CommandInput input) =>
        verb.Unmatched?.Invoke(input) ?? CommandInput.Invalid($"Unknown command `{input.Prefix}{verb.Word}`. Try `{input.Prefix}help`.");
}
