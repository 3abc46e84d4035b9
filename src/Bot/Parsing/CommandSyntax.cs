namespace EventBot.Bot.Parsing;

/// <summary>
/// A command's first word, its aliases and the rules that belong to the word rather than to one of its slices
/// (what an empty or unmatched command answers). Several slices may share a verb (<c>.remember</c>); each declares
/// its own <see cref="CommandSyntax"/> and points at the verb.
/// </summary>
public sealed record CommandVerb(string Word, params string[] Aliases)
{
    /// <summary>Runs before the syntaxes: an answer here (usage for an empty command, a typo) stops the routing.</summary>
    public Func<CommandInput, ParseResult?>? Before { get; init; }

    /// <summary>Whether the first word after the verb may name a subcommand (false: it is an argument).</summary>
    public Func<CommandInput, bool> SubcommandsApply { get; init; } = _ => true;

    /// <summary>The answer when no syntax of the verb took the command.</summary>
    public Func<CommandInput, ParseResult>? Unmatched { get; init; }

    /// <summary>A line added under <c>.help</c> (e.g. the verb's short form); {0} is the prefix.</summary>
    public string? HelpNote { get; init; }

    public bool Matches(string word) => Words.Is(word, Word) || Aliases.Any(a => Words.Is(word, a));
}

/// <summary>One line of <c>.help</c>: how to write the command (without the prefix) and what it does.</summary>
public sealed record HelpLine(string Usage, string Description);

/// <summary>
/// A named, typed argument of a command. Prefix syntax reads it by position; an application command (slash
/// command) will declare the same names as its options.
/// </summary>
public sealed record CommandOption(string Name, OptionKind Kind, string Description, bool Required = true)
{
    /// <summary>The only values accepted, when the option is a closed choice.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Slash commands: Discord asks the bot for suggestions while the user types (never with <see cref="Choices"/>).</summary>
    public bool Autocomplete { get; init; }

    /// <summary>Slash commands: the smallest and largest whole number Discord lets the user enter.</summary>
    public long? MinValue { get; init; }

    public long? MaxValue { get; init; }

    /// <summary>Slash commands: the longest text Discord lets the user enter (the value's own rules still apply).</summary>
    public int? MaxLength { get; init; }
}

public enum OptionKind
{
    Text,
    WholeNumber,
    User,
}

/// <summary>
/// What a slice declares about its command, in one place: the verb (and subcommand) it answers, its help lines, its
/// named options, and how the words after the verb become its validated request. The router (<see cref="CommandParser"/>)
/// and <c>.help</c> are built from these declarations.
/// </summary>
/// <param name="Verb">The command's first word.</param>
/// <param name="Subcommand">The second word, or null when the syntax reads the words after the verb itself.</param>
/// <param name="Help">The lines <c>.help</c> shows, in order.</param>
/// <param name="Parse">Reads the words after the verb (and subcommand). Null: not this syntax (only for syntaxes
/// without a subcommand, tried in catalog order).</param>
public sealed record CommandSyntax(CommandVerb Verb, string? Subcommand, IReadOnlyList<HelpLine> Help, Func<CommandInput, ParseResult?> Parse)
{
    /// <summary>Other words for the subcommand (<c>sparkle</c> for <c>sparkles</c>).</summary>
    public IReadOnlyList<string> SubcommandAliases { get; init; } = [];

    public IReadOnlyList<CommandOption> Options { get; init; } = [];

    public bool MatchesSubcommand(string word) =>
        Subcommand is not null && (Words.Is(word, Subcommand) || SubcommandAliases.Any(a => Words.Is(word, a)));
}
