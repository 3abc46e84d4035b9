using EventBot.Bot.Parsing;

namespace EventBot.Bot.Features.Remember;

/// <summary>
/// <c>.remember</c> (<c>.rem</c>), shared by the remember slices. A subcommand word followed by <c>is</c> is a key
/// being set (<c>.remember search is broken</c>); words people try that are not subcommands get a hint.
/// </summary>
public static class RememberVerb
{
    // Words people try that are not subcommands; a key may still be one of them when set with `is`.
    private static readonly string[] NotSubcommands = ["list", "ls", "delete", "del", "remove", "rm", "set", "unset", "clear", "forget", "show", "find"];

    /// <summary><c>/remember</c>: one subcommand per remember slice.</summary>
    public static readonly SlashVerb Slash = new("remember", "Remember values in this server, recall them, and see their history");

    /// <summary>The key option every <c>/remember</c> subcommand shares, suggested from this server's keys as the user types.</summary>
    public static CommandOption KeyOption(string description, bool required = true) =>
        new("key", OptionKind.Text, description, required) { Autocomplete = true };

    public static readonly CommandVerb Verb = new("remember", "rem")
    {
        Before = Before,
        SubcommandsApply = input => !SecondWordIsIs(input),
        HelpNote = "(`{0}rem` is short for `{0}remember`.)",
    };

    private static ParseResult? Before(CommandInput input)
    {
        var p = input.Prefix;
        if (input.Args.Length == 0)
            return CommandInput.Invalid($"Usage: `{p}remember <key> is <value>` to remember, `{p}remember <key>` to recall. See `{p}help`.");
        var (first, afterFirst) = input.FirstWord;
        var firstLower = first.ToLowerInvariant();
        var typo = afterFirst.Length > 0 && !SecondWordIsIs(input) && !input.Subcommands.Contains(firstLower)
            && (NotSubcommands.Contains(firstLower) || input.Subcommands.Any(s => IsTypo(firstLower, s)));
        return typo
            ? CommandInput.Invalid($"Unknown `{p}remember` subcommand `{CommandInput.Clip(first)}`. Subcommands: {string.Join(", ", input.Subcommands)}. To forget, use `{p}forget <key>`; to remember, `{p}remember <key> is <value>`.")
            : null;
    }

    private static bool SecondWordIsIs(CommandInput input) =>
        Words.SplitFirst(input.FirstWord.After).Word.Equals("is", StringComparison.OrdinalIgnoreCase);

    private static bool IsTypo(string word, string target) =>
        word != target && word.Length >= 4 && Math.Abs(word.Length - target.Length) <= 1 && FuzzyMatch.Score(word, target) is > 0 and < 500;

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
}
