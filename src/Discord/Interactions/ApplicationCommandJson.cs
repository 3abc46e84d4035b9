using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventBot.Discord.Interactions;

/// <summary>
/// Application commands as JSON: what a bulk overwrite sends (Application Commands › Application Command Object), and
/// the semantic form two definitions are compared in.
/// </summary>
public static class ApplicationCommandJson
{
    /// <summary>The body of <c>PUT …/commands</c>. Defaults are left out (required:false, autocomplete:false), as the
    /// docs allow, so the JSON reads like the definition.</summary>
    public static JsonArray ToJson(IEnumerable<ApplicationCommand> commands) =>
        new([.. commands.Select(c => (JsonNode?)ToJson(c))]);

    public static JsonObject ToJson(ApplicationCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var json = new JsonObject
        {
            ["type"] = 1,
            ["name"] = command.Name,
            ["description"] = command.Description,
        };
        if (command.Options.Count > 0)
            json["options"] = Options(command.Options);
        return json;
    }

    private static JsonArray Options(IReadOnlyList<ApplicationCommandOption> options) => new([.. options.Select(o => (JsonNode?)Option(o))]);

    private static JsonObject Option(ApplicationCommandOption option)
    {
        var json = new JsonObject
        {
            ["type"] = (int)option.Type,
            ["name"] = option.Name,
            ["description"] = option.Description,
        };
        if (option.Required)
            json["required"] = true;
        if (option.Choices is { Count: > 0 } choices)
        {
            json["choices"] = new JsonArray([.. choices.Select(c => (JsonNode?)new JsonObject
            {
                ["name"] = c.Name,
                ["value"] = InteractionResponseJson.ChoiceValue(c.Value, option.Type),
            })]);
        }

        if (option.Autocomplete)
            json["autocomplete"] = true;
        if (option.Options is { Count: > 0 } nested)
            json["options"] = Options(nested);
        if (option.MinValue is { } min)
            json["min_value"] = min;
        if (option.MaxValue is { } max)
            json["max_value"] = max;
        if (option.MinLength is { } minLength)
            json["min_length"] = minLength;
        if (option.MaxLength is { } maxLength)
            json["max_length"] = maxLength;
        return json;
    }

    /// <summary>
    /// A command reduced to what it means, so a definition and what Discord answers for it compare equal. Dropped: what
    /// Discord adds or fills in (id, application_id, guild_id, version, dm_permission, default_permission, contexts,
    /// integration_types, handler), null or empty localizations, defaults (type 1, nsfw false,
    /// default_member_permissions null, required false, autocomplete false, empty options/choices), and fields this
    /// code does not know. Kept in order: options and choices (their order is what users see).
    /// </summary>
    public static JsonObject Canonical(JsonNode command)
    {
        var source = command as JsonObject ?? throw new FormatException("An application command is a JSON object.");
        var json = new JsonObject
        {
            ["type"] = Int(source["type"]) ?? 1,
            ["name"] = Text(source["name"]) ?? throw new FormatException("An application command has no name."),
            ["description"] = Text(source["description"]) ?? "",
        };
        if (Text(source["default_member_permissions"]) is { } permissions)
            json["default_member_permissions"] = permissions;
        if (source["nsfw"] is JsonValue nsfw && nsfw.GetValueKind() == JsonValueKind.True)
            json["nsfw"] = true;
        CopyLocalizations(source, json);
        if (CanonicalOptions(source["options"]) is { } options)
            json["options"] = options;
        return json;
    }

    /// <summary>True when both mean the same command (see <see cref="Canonical"/>).</summary>
    public static bool SameMeaning(JsonNode a, JsonNode b) => JsonNode.DeepEquals(Canonical(a), Canonical(b));

    private static JsonArray? CanonicalOptions(JsonNode? options)
    {
        if (options is not JsonArray list || list.Count == 0)
            return null;
        var result = new JsonArray();
        foreach (var node in list)
        {
            var option = node as JsonObject ?? throw new FormatException("An application command option is a JSON object.");
            var json = new JsonObject
            {
                ["type"] = Int(option["type"]) ?? throw new FormatException("An application command option has no type."),
                ["name"] = Text(option["name"]) ?? throw new FormatException("An application command option has no name."),
                ["description"] = Text(option["description"]) ?? "",
            };
            if (option["required"] is JsonValue required && required.GetValueKind() == JsonValueKind.True)
                json["required"] = true;
            if (option["autocomplete"] is JsonValue autocomplete && autocomplete.GetValueKind() == JsonValueKind.True)
                json["autocomplete"] = true;
            CopyLocalizations(option, json);
            if (option["choices"] is JsonArray { Count: > 0 } choices)
            {
                json["choices"] = new JsonArray([.. choices.Select(c =>
                {
                    var choice = new JsonObject { ["name"] = Text(c?["name"]) ?? "", ["value"] = Scalar(c?["value"]) };
                    CopyLocalizations(c as JsonObject, choice, "name_localizations");
                    return (JsonNode?)choice;
                })]);
            }

            if (CanonicalOptions(option["options"]) is { } nested)
                json["options"] = nested;
            foreach (var name in (ReadOnlySpan<string>)["min_value", "max_value", "min_length", "max_length"])
            {
                if (option[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
                    json[name] = Scalar(value);
            }

            if (option["channel_types"] is JsonArray { Count: > 0 } channels)
                json["channel_types"] = new JsonArray([.. channels.Select(c => (JsonNode?)Scalar(c))]);
            result.Add(json);
        }

        return result;
    }

    private static void CopyLocalizations(JsonObject? from, JsonObject to, params string[] names)
    {
        if (from is null)
            return;
        foreach (var name in names.Length > 0 ? names : ["name_localizations", "description_localizations"])
        {
            if (from[name] is JsonObject { Count: > 0 } map)
                to[name] = new JsonObject(map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        }
    }

    /// <summary>Numbers compare by value (2 and 2.0 are one value); strings and booleans as they are.</summary>
    private static JsonNode? Scalar(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => JsonValue.Create(decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)),
        null => null,
        _ => node.DeepClone(),
    };

    private static int? Int(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (int)Scalar(v)!.GetValue<decimal>() : null;

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
