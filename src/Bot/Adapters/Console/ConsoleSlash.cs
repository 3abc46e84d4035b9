using System.Globalization;
using System.Text;
using System.Text.Json;
using EventBot.Bot.Chat;
using EventBot.Bot.Interactions;
using EventBot.Bot.Parsing;
using EventBot.Discord;
using EventBot.Discord.Interactions;
using EventBot.Domain.Common;

namespace EventBot.Bot.Adapters.Console;

/// <summary>
/// A console line starting with <c>/</c> is an interaction, built as Discord would send it and answered by the same
/// <see cref="InteractionHandler"/>:
/// <list type="bullet">
/// <item><c>/remember set key:meeting value:"next tuesday"</c>: a command; options are <c>name:value</c>, a value with
/// spaces in double quotes; a user option takes <c>@name</c> (or <c>name</c>) of a console user.</item>
/// <item><c>/remember get key:mee?</c>: a value ending in <c>?</c> asks for suggestions (autocomplete) for that option.</item>
/// <item><c>/page &lt;id&gt;</c>: clicks a button; answers print their buttons as <c>[▶ /page &lt;id&gt;]</c>.</item>
/// </list>
/// </summary>
public static class ConsoleSlash
{
    public const string Application = "console";

    public const string PageCommand = "page";

    /// <summary>The interaction a line stands for, or the reason it stands for none (an error line to print).</summary>
    public static (DiscordInteraction? Interaction, string? Error) Parse(string line, ChatUser author, GuildId guild, Func<string, string?> knownUser)
    {
        var tokens = Tokens(line.TrimStart()[1..]);
        if (tokens.Count == 0 || tokens[0].Name is not null) return (null, Md.Error("Type a slash command after `/`, like `/remember get key:meeting`, or `/help`."));
        var name = tokens[0].Value.ToLowerInvariant();
        var user = new DiscordUser(author.Id.ToString(), author.DisplayName, null, author.IsBot);
        var id = Guid.CreateVersion7().ToString("N");
        if (name == PageCommand)
        {
            return tokens.Count == 2 && tokens[1].Name is null
                ? (new DiscordInteraction(id, Application, InteractionType.MessageComponent, Application, guild.ToString(), null, user, null,
                    new InteractionData(null, [], tokens[1].Value, ComponentType: 2)), null)
                : (null, Md.Error("Usage: `/page <id>`, with the id a button printed."));
        }
        var rest = tokens.Skip(1).ToList();
        string? subcommand = null;
        if (rest is [{ Name: null } first, ..] && SlashCommands.Find(name, first.Value.ToLowerInvariant()) is not null)
        {
            subcommand = first.Value.ToLowerInvariant();
            rest = rest[1..];
        }
        if (SlashCommands.Find(name, subcommand) is not { } syntax)
            return (null, Md.Error($"I don't know `/{Md.Shorten(string.Join(' ', tokens.Take(2).Select(t => t.Value)), 40)}`. Try `/help`."));

        var options = new List<InteractionOption>();
        var resolved = new Dictionary<string, DiscordUser>(StringComparer.Ordinal);
        var focused = false;
        foreach (var token in rest)
        {
            if (token.Name is null || syntax.Options.FirstOrDefault(o => o.Name == token.Name) is not { } option)
                return (null, Md.Error($"`{syntax.Path}` takes {Describe(syntax)}: write them as name:value (quote values with spaces)."));
            var value = token.Value;
            var isFocused = !focused && value.EndsWith('?');
            if (isFocused) (value, focused) = (value[..^1], true);
            var (json, type) = option.Kind switch
            {
                OptionKind.WholeNumber when isFocused => (JsonSerializer.SerializeToElement(value), ApplicationCommandOptionType.Integer),
                OptionKind.WholeNumber when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) =>
                    (JsonSerializer.SerializeToElement(n), ApplicationCommandOptionType.Integer),
                OptionKind.WholeNumber => (default(JsonElement?), ApplicationCommandOptionType.Integer),
                OptionKind.User => (JsonSerializer.SerializeToElement(Resolve(value, knownUser, resolved)), ApplicationCommandOptionType.User),
                _ => (JsonSerializer.SerializeToElement(value), ApplicationCommandOptionType.String),
            };
            if (json is null) return (null, Md.Error($"`{option.Name}` takes a whole number, not `{Md.Shorten(value, 20)}`."));
            options.Add(new InteractionOption(option.Name, type, json, isFocused, []));
        }
        IReadOnlyList<InteractionOption> top = subcommand is null ? options : [new InteractionOption(subcommand, ApplicationCommandOptionType.SubCommand, null, false, options)];
        var kind = focused ? InteractionType.ApplicationCommandAutocomplete : InteractionType.ApplicationCommand;
        return (new DiscordInteraction(id, Application, kind, Application, guild.ToString(), null, user, null,
            new InteractionData(name, top, ResolvedUsers: resolved.Count == 0 ? null : resolved)), null);
    }

    /// <summary>The answer as console text: "(only you)" before an ephemeral one, buttons as <c>[▶ /page id]</c> hints.</summary>
    public static string Render(InteractionResponse response) => response.Type switch
    {
        InteractionCallbackType.ApplicationCommandAutocompleteResult when response.Choices is { Count: > 0 } choices =>
            "Suggestions:" + string.Concat(choices.Select(c => c.Name == c.Value ? $"\n  {c.Value}" : $"\n  {c.Value}  ({c.Name})")),
        InteractionCallbackType.ApplicationCommandAutocompleteResult => "No suggestions.",
        InteractionCallbackType.Pong => "Pong.",
        _ when response.Message is { } message => Render(message),
        _ => "(thinking…)",
    };

    public static string Render(InteractionMessage message)
    {
        var text = new StringBuilder(message.Ephemeral ? "(only you) " : "");
        if (message.Content is { Length: > 0 } content) text.Append(content);
        foreach (var embed in message.Embeds ?? [])
        {
            text.Append(embed.Title);
            if (embed.Description is { } description) text.Append('\n').Append(description);
            foreach (var field in embed.Fields) text.Append('\n').Append(field.Name).Append(": ").Append(field.Value);
        }
        var buttons = (message.Components ?? []).SelectMany(r => r.Buttons).Where(b => !b.Disabled).ToList();
        if (buttons.Count > 0) text.Append('\n').Append(string.Join(' ', buttons.Select(b => $"[{b.Label} /{PageCommand} {b.CustomId}]")));
        return text.ToString();
    }

    private static string Describe(SlashSyntax syntax) =>
        syntax.Options.Count == 0 ? "no options" : string.Join(", ", syntax.Options.Select(o => o.Required ? o.Name : $"{o.Name} (optional)"));

    /// <summary>A console user by name (<c>@bob</c> or <c>bob</c>), resolved as Discord resolves a user option; unknown names stay unresolved.</summary>
    private static string Resolve(string value, Func<string, string?> knownUser, Dictionary<string, DiscordUser> resolved)
    {
        var name = value.TrimStart('@');
        var isBot = name.Equals(ConsoleMentions.BotName, StringComparison.OrdinalIgnoreCase);
        var display = isBot ? ConsoleMentions.BotName : knownUser(name);
        if (display is null) return name;
        var id = UserId.FromName(display).ToString();
        resolved[id] = new DiscordUser(id, display, null, isBot);
        return id;
    }

    private sealed record Token(string? Name, string Value);

    /// <summary>Words and <c>name:value</c> pairs; double quotes group a value with spaces (<c>value:"a b"</c> or <c>"a b"</c>).</summary>
    private static List<Token> Tokens(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            var start = i;
            string? name = null;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '"')
            {
                if (text[i] == ':' && name is null)
                {
                    name = text[start..i].ToLowerInvariant();
                    start = i + 1;
                }
                i++;
            }
            string value;
            if (i < text.Length && text[i] == '"' && i == start)
            {
                var close = text.IndexOf('"', i + 1);
                value = close < 0 ? text[(i + 1)..] : text[(i + 1)..close];
                i = close < 0 ? text.Length : close + 1;
                if (i < text.Length && text[i] == '?') (value, i) = (value + "?", i + 1);
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
                value = text[start..i];
            }
            tokens.Add(new Token(name, value));
        }
        return tokens;
    }
}
