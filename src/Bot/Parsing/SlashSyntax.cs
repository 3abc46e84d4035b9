using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Common;
using Mediator;

namespace EventBot.Bot.Parsing;

/// <summary>A top-level application (slash) command: <c>/remember</c>, <c>/sparkle</c>, …; its slices add subcommands.</summary>
public sealed record SlashVerb(string Name, string Description);

/// <summary>
/// What a slice declares about its slash command, beside its prefix <see cref="CommandSyntax"/>: the command (and
/// subcommand) it answers, its typed options, and how the options become the same validated request the prefix
/// syntax builds, with the same value objects and the same errors. <see cref="Interactions.SlashCommands"/> builds
/// the registered definitions from these declarations.
/// </summary>
/// <param name="Subcommand">The subcommand's name, or null when the command has none.</param>
/// <param name="Description">The subcommand's description (or the command's, when it has none): 1–100 characters.</param>
public sealed record SlashSyntax(SlashVerb Verb, string? Subcommand, string Description, IReadOnlyList<CommandOption> Options, Func<SlashInput, ParseResult> Bind)
{
    /// <summary>The answer is for the caller alone (ephemeral), like <c>/help</c>.</summary>
    public bool Personal { get; init; }

    /// <summary><c>/remember set</c>, <c>/stats</c>: how the command is written.</summary>
    public string Path => Subcommand is null ? $"/{Verb.Name}" : $"/{Verb.Name} {Subcommand}";
}

/// <summary>One option value as Discord (or the console) sent it; a user option carries the resolved user.</summary>
public sealed record SlashValue(string? Text, long? Number = null, ChatUser? User = null);

/// <summary>The options of one slash command, by name, with the message record the command runs as.</summary>
public sealed record SlashInput(ChatMessage Chat, IReadOnlyDictionary<string, SlashValue> Options)
{
    /// <summary>A text option, or null when it was left out (or blank).</summary>
    public string? Text(string name) => Options.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.Text) ? v.Text : null;

    public long? Number(string name) => Options.TryGetValue(name, out var v) ? v.Number : null;

    /// <summary>Whether the option was given at all (a user option whose user Discord did not resolve still counts).</summary>
    public bool Has(string name) => Options.ContainsKey(name);

    public ChatUser? User(string name) => Options.TryGetValue(name, out var v) ? v.User : null;

    /// <summary>The same rule as the prefix syntax: in a DM a server command answers that it needs a server.</summary>
    public ParseResult ValueError(string error) =>
        Chat.Guild is null ? new ParseResult.Invalid(GuildScope.ServerOnly) : CommandInput.Invalid(error);

    public ParseResult Validated<T>(Validated<T> value, Func<T, IMessage> request) =>
        value.IsValid ? CommandInput.Request(request(value.Value)) : ValueError(value.Error!);

    /// <summary>Discord enforces required options; the console and hand-made requests may still leave one out.</summary>
    public static ParseResult Missing(string option) => CommandInput.Invalid($"The option `{option}` is missing.");
}
