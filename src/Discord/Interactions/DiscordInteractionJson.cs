using System.Text.Json;

namespace EventBot.Discord.Interactions;

/// <summary>
/// Reads an Interaction object (Interactions › Receiving and Responding › Interaction Object), as the gateway's
/// <c>INTERACTION_CREATE</c> carries it and as Discord POSTs it to an HTTP endpoint: one parser for both.
/// </summary>
public static class DiscordInteractionJson
{
    /// <summary>
    /// Parses an interaction. Throws <see cref="FormatException"/> when a field the docs make required (id,
    /// application_id, type, token, and the invoking user except for PING) is missing or of the wrong kind; the message
    /// never contains the token. Values are cloned, so <paramref name="interaction"/>'s document may be disposed.
    /// </summary>
    public static DiscordInteraction Parse(JsonElement interaction)
    {
        if (interaction.ValueKind != JsonValueKind.Object)
            throw new FormatException("An interaction is a JSON object.");
        var type = interaction.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var number)
            ? (InteractionType)number
            : throw new FormatException("The interaction has no numeric type.");
        var id = Required(interaction, "id");
        var applicationId = Required(interaction, "application_id");
        var token = Required(interaction, "token");

        // In a guild the invoker is member.user (with the member's permissions); in a DM or group DM it is user.
        DiscordUser? user = null;
        string? permissions = null;
        if (interaction.TryGetProperty("member", out var member) && member.ValueKind == JsonValueKind.Object)
        {
            if (member.TryGetProperty("user", out var memberUser) && memberUser.ValueKind == JsonValueKind.Object)
                user = User(memberUser);
            permissions = DiscordJson.OptionalString(member, "permissions");
        }

        if (user is null && interaction.TryGetProperty("user", out var dmUser) && dmUser.ValueKind == JsonValueKind.Object)
            user = User(dmUser);
        if (user is null && type != InteractionType.Ping)
            throw new FormatException($"Interaction {id} has neither member.user nor user.");

        var channelId = DiscordJson.OptionalString(interaction, "channel_id")
            ?? (interaction.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.Object ? DiscordJson.OptionalString(channel, "id") : null);
        var messageId = interaction.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
            ? DiscordJson.OptionalString(message, "id")
            : null;
        var data = interaction.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? Data(d) : null;

        return new DiscordInteraction(
            id,
            applicationId,
            type,
            token,
            DiscordJson.OptionalString(interaction, "guild_id"),
            channelId,
            // PING has no user; it is answered with PONG and never reaches a command.
            user ?? new DiscordUser("", "", null, false),
            permissions,
            data,
            messageId);
    }

    /// <summary>The option being typed in an autocomplete interaction (searched through subcommands), or null.</summary>
    public static InteractionOption? Focused(IReadOnlyList<InteractionOption> options)
    {
        foreach (var option in options)
        {
            if (option.Focused)
                return option;
            if (Focused(option.Options) is { } nested)
                return nested;
        }

        return null;
    }

    private static InteractionData Data(JsonElement d)
    {
        Dictionary<string, DiscordUser>? users = null;
        if (d.TryGetProperty("resolved", out var resolved) && resolved.ValueKind == JsonValueKind.Object
            && resolved.TryGetProperty("users", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            users = new Dictionary<string, DiscordUser>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Object)
                    users[entry.Name] = User(entry.Value);
            }
        }

        return new InteractionData(
            DiscordJson.OptionalString(d, "name"),
            Options(d),
            DiscordJson.OptionalString(d, "custom_id"),
            d.TryGetProperty("component_type", out var ct) && ct.ValueKind == JsonValueKind.Number ? ct.GetInt32() : null,
            users);
    }

    private static IReadOnlyList<InteractionOption> Options(JsonElement parent)
    {
        if (!parent.TryGetProperty("options", out var list) || list.ValueKind != JsonValueKind.Array)
            return [];
        var options = new List<InteractionOption>(list.GetArrayLength());
        foreach (var option in list.EnumerateArray())
        {
            if (option.ValueKind != JsonValueKind.Object)
                throw new FormatException("An interaction option is a JSON object.");
            options.Add(new InteractionOption(
                DiscordJson.OptionalString(option, "name") ?? throw new FormatException("An interaction option has no name."),
                option.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Number
                    ? (ApplicationCommandOptionType)type.GetInt32()
                    : throw new FormatException("An interaction option has no numeric type."),
                option.TryGetProperty("value", out var value) ? value.Clone() : null,
                option.TryGetProperty("focused", out var focused) && focused.ValueKind == JsonValueKind.True,
                Options(option)));
        }

        return options;
    }

    private static DiscordUser User(JsonElement user)
    {
        if (DiscordJson.OptionalString(user, "id") is null)
            throw new FormatException("A user in the interaction has no id.");
        return DiscordJson.ParseUser(user);
    }

    // The field name only: the value of "token" must never reach a message.
    private static string Required(JsonElement e, string name) =>
        DiscordJson.OptionalString(e, name) is { Length: > 0 } value ? value : throw new FormatException($"The interaction has no {name}.");
}
