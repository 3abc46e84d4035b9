using System.Text.Json;
using EventBot.Discord.Interactions;

namespace EventBot.Bot.Adapters.Http;

/// <summary>
/// An interaction callback as the HTTP answer's body (Discord docs: Interaction Response Structure): the same JSON the
/// REST callback sends, with <c>allowed_mentions: {"parse": []}</c> on every message.
/// </summary>
public static class InteractionResponseJson
{
    public static byte[] Write(InteractionResponse response)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("type", (int)response.Type);
            if (response.Choices is { } choices)
            {
                json.WriteStartObject("data");
                json.WriteStartArray("choices");
                foreach (var choice in choices)
                {
                    json.WriteStartObject();
                    json.WriteString("name", choice.Name);
                    json.WriteString("value", choice.Value);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            else if (response.Message is { } message)
            {
                json.WritePropertyName("data");
                WriteMessage(json, message);
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static void WriteMessage(Utf8JsonWriter json, InteractionMessage message)
    {
        json.WriteStartObject();
        if (message.Content is not null) json.WriteString("content", message.Content);
        if (message.Embeds is { } embeds)
        {
            json.WriteStartArray("embeds");
            foreach (var embed in embeds)
            {
                json.WriteStartObject();
                if (embed.Title is not null) json.WriteString("title", embed.Title);
                if (embed.Description is not null) json.WriteString("description", embed.Description);
                if (embed.Color is { } color) json.WriteNumber("color", color);
                json.WriteStartArray("fields");
                foreach (var field in embed.Fields)
                {
                    json.WriteStartObject();
                    json.WriteString("name", field.Name);
                    json.WriteString("value", field.Value);
                    json.WriteBoolean("inline", field.Inline);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (message.Components is { } rows)
        {
            json.WriteStartArray("components");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteNumber("type", 1);
                json.WriteStartArray("components");
                foreach (var button in row.Buttons)
                {
                    json.WriteStartObject();
                    json.WriteNumber("type", 2);
                    json.WriteString("custom_id", button.CustomId);
                    json.WriteString("label", button.Label);
                    json.WriteNumber("style", button.Style);
                    json.WriteBoolean("disabled", button.Disabled);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (message.Ephemeral) json.WriteNumber("flags", 64);
        json.WriteStartObject("allowed_mentions");
        json.WriteStartArray("parse");
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
