using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventBot.Bot.Features;
using EventBot.Bot.Parsing;
using EventBot.Discord.Interactions;

namespace EventBot.Bot.Interactions;

/// <summary>
/// The application (slash) commands EventBot registers, built from each slice's <see cref="SlashSyntax"/>
/// (<see cref="Commands.Slash"/>): a command per <see cref="SlashVerb"/>, its slices' subcommands in catalog order.
/// <see cref="ToJson"/> is the body of Discord's bulk overwrite (<c>PUT /applications/{app}/commands</c>); the
/// <c>commands sync</c> verb compares it with what is registered.
/// </summary>
public static partial class SlashCommands
{
    /// <summary>Every command, as registered.</summary>
    public static IReadOnlyList<ApplicationCommand> Definitions { get; } = Build(Commands.Slash);

    /// <summary>
    /// Discord's JSON for <see cref="Definitions"/>, as the transport writes it (<see cref="ApplicationCommandJson"/>):
    /// snake_case, no nulls, <c>required</c> and <c>autocomplete</c> only when true.
    /// </summary>
    public static JsonArray ToJson() => ApplicationCommandJson.ToJson(Definitions);

    public static IReadOnlyList<ApplicationCommand> Build(IReadOnlyList<SlashSyntax> syntaxes) =>
    [
        .. syntaxes.GroupBy(s => s.Verb.Name).Select(group =>
        {
            var verb = group.First().Verb;
            var all = group.ToList();
            if (all.Any(s => s.Subcommand is null) && all.Count > 1)
                throw new InvalidOperationException($"/{verb.Name} mixes a command without subcommands with other slices.");
            return all[0].Subcommand is null
                ? new ApplicationCommand(verb.Name, verb.Description, [.. all[0].Options.Select(Option)])
                : new ApplicationCommand(verb.Name, verb.Description,
                    [.. all.Select(s => new ApplicationCommandOption(ApplicationCommandOptionType.SubCommand, s.Subcommand!, s.Description, Options: [.. s.Options.Select(Option)]))]);
        }),
    ];

    /// <summary>The slice that declared <c>/name [subcommand]</c>, or null.</summary>
    public static SlashSyntax? Find(string name, string? subcommand) =>
        Commands.Slash.FirstOrDefault(s => s.Verb.Name == name && s.Subcommand == subcommand);

    public static ApplicationCommandOption Option(CommandOption option) => new(
        option.Kind switch
        {
            OptionKind.WholeNumber => ApplicationCommandOptionType.Integer,
            OptionKind.User => ApplicationCommandOptionType.User,
            _ => ApplicationCommandOptionType.String,
        },
        option.Name,
        option.Description,
        option.Required,
        option.Choices.Count == 0 ? null : [.. option.Choices.Select(c => new ApplicationCommandChoice(c, c))],
        option.Autocomplete,
        MinValue: option.MinValue,
        MaxValue: option.MaxValue,
        MaxLength: option.MaxLength);

    /// <summary>
    /// Every way <paramref name="commands"/> break Discord's limits (empty: none): names match
    /// <c>^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$</c> and are lowercase, descriptions are 1–100 characters, at most
    /// 25 options and 25 choices, required options come first, autocomplete never with choices, choices 1–100 characters,
    /// at most 100 commands. .NET has no <c>\p{sc=…}</c>: Devanagari is U+0900–U+097F and Thai U+0E00–U+0E7F.
    /// </summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<ApplicationCommand> commands)
    {
        var problems = new List<string>();
        if (commands.Count > 100) problems.Add($"{commands.Count} commands; Discord allows 100");
        foreach (var duplicate in commands.GroupBy(c => c.Name).Where(g => g.Count() > 1)) problems.Add($"/{duplicate.Key} is declared twice");
        foreach (var command in commands)
        {
            var path = $"/{command.Name}";
            CheckName(problems, path, command.Name);
            CheckDescription(problems, path, command.Description);
            CheckOptions(problems, path, command.Options);
        }
        return problems;
    }

    private static void CheckOptions(List<string> problems, string path, IReadOnlyList<ApplicationCommandOption> options)
    {
        if (options.Count > 25) problems.Add($"{path} has {options.Count} options; at most 25");
        foreach (var duplicate in options.GroupBy(o => o.Name).Where(g => g.Count() > 1)) problems.Add($"{path} declares {duplicate.Key} twice");
        var seenOptional = false;
        foreach (var option in options)
        {
            var at = $"{path} {option.Name}";
            CheckName(problems, at, option.Name);
            CheckDescription(problems, at, option.Description);
            if (option.Type is ApplicationCommandOptionType.SubCommand or ApplicationCommandOptionType.SubCommandGroup)
            {
                CheckOptions(problems, at, option.Options ?? []);
                continue;
            }
            if (option.Required && seenOptional) problems.Add($"{at} is required but comes after an optional option");
            seenOptional |= !option.Required;
            if (option.Autocomplete && option.Choices is { Count: > 0 }) problems.Add($"{at} has both autocomplete and choices");
            if (option.Choices is { } choices)
            {
                if (choices.Count > 25) problems.Add($"{at} has {choices.Count} choices; at most 25");
                foreach (var choice in choices.Where(c => c.Name.Length is < 1 or > 100 || c.Value.Length is < 1 or > 100))
                    problems.Add($"{at} choice {choice.Name} is not 1–100 characters");
            }
        }
    }

    private static void CheckName(List<string> problems, string at, string name)
    {
        if (!NameShape().IsMatch(name)) problems.Add($"{at}: the name {name} does not match Discord's name rule");
        if (!string.Equals(name, name.ToLowerInvariant(), StringComparison.Ordinal)) problems.Add($"{at}: the name {name} is not lowercase");
    }

    private static void CheckDescription(List<string> problems, string at, string description)
    {
        if (description.Length is < 1 or > 100) problems.Add($"{at}: the description is {description.Length} characters; 1–100");
    }

    [GeneratedRegex(@"^[-_'\p{L}\p{N}\u0900-\u097F\u0E00-\u0E7F]{1,32}$")]
    private static partial Regex NameShape();
}
