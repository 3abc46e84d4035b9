using System.Globalization;
using System.Text.Json;
using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Discord;
using EventBot.Discord.Interactions;
using EventBot.Domain.Common;

namespace EventBot.Bot.Interactions;

/// <summary>
/// Turns an interaction into the same <see cref="ChatMessage"/> and validated request the prefix parser would build:
/// the interaction id takes the message id's place, so it is the idempotency key (<c>discord:{id}</c>) of whatever the
/// command appends, and a redelivered interaction appends nothing.
/// </summary>
public static class SlashBinding
{
    /// <summary>The slice a command interaction names and its options, the subcommand's level unwrapped.</summary>
    public static (SlashSyntax? Syntax, IReadOnlyList<InteractionOption> Options) Route(InteractionData? data)
    {
        if (data?.Name is not { } name) return (null, []);
        var options = data.Options;
        if (options is [{ Type: ApplicationCommandOptionType.SubCommand } sub])
            return (SlashCommands.Find(name, sub.Name), sub.Options);
        return (SlashCommands.Find(name, null), options);
    }

    /// <summary>
    /// The message record the command runs as. Its content is the command's path, never the values typed. The member's
    /// permissions (<c>member.permissions</c>, a decimal bit set; none in a DM) come along, so a moderator's command
    /// (<c>/remember redact</c>: Manage Messages) is decided from what Discord computed for this channel.
    /// </summary>
    public static ChatMessage ToChat(DiscordInteraction interaction, string platform, string? path = null) =>
        new(
            interaction.Id,
            interaction.GuildId is null ? null : GuildId.Parse(interaction.GuildId),
            ToChatUser(interaction.User),
            path ?? $"/{interaction.Data?.Name}",
            [.. (interaction.Data?.ResolvedUsers?.Values ?? []).Select(ToChatUser)],
            platform)
        {
            MemberPermissions = ulong.TryParse(interaction.MemberPermissions, NumberStyles.None, CultureInfo.InvariantCulture, out var bits) ? bits : null,
        };

    public static ChatUser ToChatUser(DiscordUser user) => new(UserId.Parse(user.Id), user.GlobalName ?? user.Username, user.IsBot);

    /// <summary>The request (or the reason there is none) and the message it runs as.</summary>
    public static (ChatMessage Chat, ParseResult Result, SlashSyntax? Syntax) Bind(DiscordInteraction interaction, string platform)
    {
        var (syntax, options) = Route(interaction.Data);
        var chat = ToChat(interaction, platform, syntax?.Path);
        if (syntax is null)
            return (chat, CommandInput.Invalid($"I don't know the command `/{interaction.Data?.Name}` (yet): the registered commands may be out of date. Try `/help`."), null);
        return (chat, syntax.Bind(Input(chat, options, interaction.Data?.ResolvedUsers)), syntax);
    }

    public static SlashInput Input(ChatMessage chat, IReadOnlyList<InteractionOption> options, IReadOnlyDictionary<string, DiscordUser>? resolved)
    {
        var values = new Dictionary<string, SlashValue>(StringComparer.Ordinal);
        foreach (var option in options) values[option.Name] = Value(option, resolved);
        return new SlashInput(chat, values);
    }

    /// <summary>The typed text of an option (autocomplete sends partial text, also for number options).</summary>
    public static string Text(InteractionOption option) => option.Value is not { } json ? "" : json.ValueKind switch
    {
        JsonValueKind.String => json.GetString() ?? "",
        JsonValueKind.Number => json.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "",
    };

    private static SlashValue Value(InteractionOption option, IReadOnlyDictionary<string, DiscordUser>? resolved)
    {
        var text = Text(option);
        return option.Type switch
        {
            ApplicationCommandOptionType.Integer or ApplicationCommandOptionType.Number =>
                new SlashValue(text, long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null),
            ApplicationCommandOptionType.User => new SlashValue(text, User: resolved is not null && resolved.TryGetValue(text, out var user) ? ToChatUser(user) : null),
            _ => new SlashValue(text),
        };
    }
}
