using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventBot.Discord;

/// <summary>Reads Discord's JSON objects into the port's records; tolerant of absent optional fields, as the docs allow.</summary>
internal static class DiscordJson
{
    public static DiscordUser ParseUser(JsonElement user) => new(
        user.GetProperty("id").GetString()!,
        user.TryGetProperty("username", out var name) ? name.GetString() ?? "" : "",
        OptionalString(user, "global_name"),
        user.TryGetProperty("bot", out var bot) && bot.ValueKind == JsonValueKind.True);

    public static DiscordIncomingMessage ParseMessage(JsonElement d)
    {
        var mentions = new List<DiscordUser>();
        if (d.TryGetProperty("mentions", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in list.EnumerateArray())
                mentions.Add(ParseUser(m));
        }

        return new DiscordIncomingMessage(
            d.GetProperty("id").GetString()!,
            d.GetProperty("channel_id").GetString()!,
            OptionalString(d, "guild_id"),
            ParseUser(d.GetProperty("author")),
            OptionalString(d, "webhook_id"),
            OptionalString(d, "content") ?? "",
            mentions,
            d.TryGetProperty("timestamp", out var ts) && ts.ValueKind == JsonValueKind.String
                ? DateTimeOffset.Parse(ts.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
                : default);
    }

    public static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>True when the message carries something besides text, so empty content is expected rather than a missing intent.</summary>
    public static bool HasNonTextParts(JsonElement d) =>
        NonEmptyArray(d, "attachments") || NonEmptyArray(d, "embeds") || NonEmptyArray(d, "sticker_items") || d.TryGetProperty("poll", out _);

    /// <summary>An embed as the Embed Object docs write it; absent parts are left out.</summary>
    public static JsonObject Embed(DiscordEmbed embed)
    {
        var json = new JsonObject();
        if (embed.Title is not null)
            json["title"] = embed.Title;
        if (embed.Description is not null)
            json["description"] = embed.Description;
        if (embed.Color is { } color)
            json["color"] = color;
        if (embed.Fields.Count > 0)
        {
            json["fields"] = new JsonArray(embed.Fields
                .Select(f => (JsonNode?)new JsonObject { ["name"] = f.Name, ["value"] = f.Value, ["inline"] = f.Inline })
                .ToArray());
        }

        return json;
    }

    private static bool NonEmptyArray(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0;
}
