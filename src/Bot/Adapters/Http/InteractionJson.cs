using System.Text.Json;
using EventBot.Discord;
using EventBot.Discord.Interactions;

namespace EventBot.Bot.Adapters.Http;

/// <summary>
/// Reads an interaction body (the HTTP POST or a queued copy of it) into <see cref="DiscordInteraction"/>.
/// </summary>
/// <remarks>
/// A stop-gap: the Discord project's own interaction parser (the one its gateway dispatch uses) replaces this file
/// when it lands, so both inputs read interactions the same way. Only what <see cref="DiscordInteraction"/> holds is read.
/// </remarks>
public static class InteractionJson
{
    /// <exception cref="FormatException">Not an interaction (missing id, type, token or user).</exception>
    public static DiscordInteraction Parse(JsonElement root)
    {
        try
        {
            var member = root.TryGetProperty("member", out var m) && m.ValueKind == JsonValueKind.Object ? m : (JsonElement?)null;
            var userElement = member is { } mem && mem.TryGetProperty("user", out var mu) ? mu
                : root.TryGetProperty("user", out var u) ? u
                : throw new FormatException("An interaction without a user.");
            var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? Data(d) : null;
            return new DiscordInteraction(
                Required(root, "id"),
                Required(root, "application_id"),
                (InteractionType)root.GetProperty("type").GetInt32(),
                Required(root, "token"),
                Optional(root, "guild_id"),
                Optional(root, "channel_id") ?? (root.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.Object ? Optional(c, "id") : null),
                User(userElement),
                member is { } mp ? Optional(mp, "permissions") : null,
                data,
                root.TryGetProperty("message", out var msg) && msg.ValueKind == JsonValueKind.Object ? Optional(msg, "id") : null);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
        {
            // The message names the shape, never a value (the body holds the token).
            throw new FormatException("The body is not an interaction.", ex);
        }
    }

    private static InteractionData Data(JsonElement d)
    {
        Dictionary<string, DiscordUser>? users = null;
        if (d.TryGetProperty("resolved", out var resolved) && resolved.TryGetProperty("users", out var u) && u.ValueKind == JsonValueKind.Object)
            users = u.EnumerateObject().ToDictionary(p => p.Name, p => User(p.Value), StringComparer.Ordinal);
        return new InteractionData(
            Optional(d, "name"),
            Options(d),
            Optional(d, "custom_id"),
            d.TryGetProperty("component_type", out var ct) && ct.ValueKind == JsonValueKind.Number ? ct.GetInt32() : null,
            users);
    }

    private static List<InteractionOption> Options(JsonElement parent)
    {
        if (!parent.TryGetProperty("options", out var options) || options.ValueKind != JsonValueKind.Array) return [];
        return [.. options.EnumerateArray().Select(o => new InteractionOption(
            Required(o, "name"),
            (ApplicationCommandOptionType)o.GetProperty("type").GetInt32(),
            o.TryGetProperty("value", out var v) ? v.Clone() : null,
            o.TryGetProperty("focused", out var f) && f.ValueKind == JsonValueKind.True,
            Options(o)))];
    }

    private static DiscordUser User(JsonElement user) => new(
        Required(user, "id"),
        Optional(user, "username") ?? "",
        Optional(user, "global_name"),
        user.TryGetProperty("bot", out var bot) && bot.ValueKind == JsonValueKind.True);

    private static string Required(JsonElement e, string name) =>
        Optional(e, name) ?? throw new FormatException($"An interaction without '{name}'.");

    private static string? Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
