using System.Text.Json;

namespace EventBot.Discord.Interactions;

/// <summary>Interaction types (Discord docs: Interactions › Receiving and Responding › Interaction Type).</summary>
public enum InteractionType
{
    Ping = 1,
    ApplicationCommand = 2,
    MessageComponent = 3,
    ApplicationCommandAutocomplete = 4,
    ModalSubmit = 5,
}

/// <summary>
/// An interaction as the bot reads it, from a gateway <c>INTERACTION_CREATE</c> or an HTTP POST alike. The
/// <see cref="Token"/> is a secret for 15 minutes: never logged, never in an exception message.
/// </summary>
/// <param name="User">The invoking user (<c>member.user</c> in a guild, <c>user</c> in a DM).</param>
/// <param name="MemberPermissions">The member's computed permissions in the channel (a decimal bit set), null in DMs.</param>
/// <param name="MessageId">For a component: the message that carries it.</param>
public sealed record DiscordInteraction(
    string Id,
    string ApplicationId,
    InteractionType Type,
    string Token,
    string? GuildId,
    string? ChannelId,
    DiscordUser User,
    string? MemberPermissions,
    InteractionData? Data,
    string? MessageId = null)
{
    /// <summary>Keeps the token out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"Interaction {Id} (type {(int)Type}, {Data?.Name ?? Data?.CustomId})";
}

/// <summary>The <c>data</c> of an interaction: a command's name and options, or a component's <c>custom_id</c>.</summary>
public sealed record InteractionData(
    string? Name,
    IReadOnlyList<InteractionOption> Options,
    string? CustomId = null,
    int? ComponentType = null,
    IReadOnlyDictionary<string, DiscordUser>? ResolvedUsers = null);

/// <summary>
/// One option the user filled in. Subcommands and groups carry nested <see cref="Options"/>; in an autocomplete
/// interaction the option being typed has <see cref="Focused"/> set (its value may be partial or empty).
/// </summary>
public sealed record InteractionOption(string Name, ApplicationCommandOptionType Type, JsonElement? Value, bool Focused, IReadOnlyList<InteractionOption> Options);

/// <summary>Interaction callback types (Discord docs: Interaction Callback Type).</summary>
public enum InteractionCallbackType
{
    Pong = 1,
    ChannelMessageWithSource = 4,
    DeferredChannelMessageWithSource = 5,
    DeferredUpdateMessage = 6,
    UpdateMessage = 7,
    ApplicationCommandAutocompleteResult = 8,
}

/// <summary>A message sent as an interaction response, an edit of <c>@original</c> or a follow-up; always sent with
/// <c>allowed_mentions: {"parse": []}</c>. <see cref="Ephemeral"/> sets flag 64. <see cref="Files"/> go with an edit or
/// a follow-up as <c>multipart/form-data</c> (a callback with files is not supported: defer, then edit).</summary>
public sealed record InteractionMessage(
    string? Content,
    IReadOnlyList<DiscordEmbed>? Embeds = null,
    IReadOnlyList<DiscordActionRow>? Components = null,
    bool Ephemeral = false,
    IReadOnlyList<DiscordFile>? Files = null);

/// <summary>A row of buttons (component type 1 holding type 2 buttons).</summary>
public sealed record DiscordActionRow(IReadOnlyList<DiscordButton> Buttons);

/// <summary>A button; <see cref="CustomId"/> is at most 100 characters. Style 1 primary, 2 secondary, 4 danger.</summary>
public sealed record DiscordButton(string CustomId, string Label, int Style = 2, bool Disabled = false);

/// <summary>An autocomplete choice: name and value 1–100 characters; at most 25 per response.</summary>
public sealed record AutocompleteChoice(string Name, string Value);

/// <summary>The first (and only) callback of an interaction.</summary>
public sealed record InteractionResponse(InteractionCallbackType Type, InteractionMessage? Message = null, IReadOnlyList<AutocompleteChoice>? Choices = null)
{
    public static readonly InteractionResponse Pong = new(InteractionCallbackType.Pong);
}
