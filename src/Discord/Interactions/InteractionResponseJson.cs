using System.Globalization;
using System.Text.Json.Nodes;

namespace EventBot.Discord.Interactions;

/// <summary>
/// Writes interaction responses, edits and follow-ups exactly as the docs' JSON (Interactions › Receiving and
/// Responding; Message Components), checking Discord's limits first so a mistake is an <see cref="ArgumentException"/>
/// here rather than a 400 after the 3-second window. Null means "leave out" (on an edit: unchanged); an empty list is
/// sent, so <c>Components = []</c> removes the buttons.
/// </summary>
public static class InteractionResponseJson
{
    public const int MaxContentLength = 2000;
    public const int MaxEmbeds = 10;
    public const int MaxActionRows = 5;
    public const int MaxButtonsPerRow = 5;
    public const int MaxCustomIdLength = 100;
    public const int MaxButtonLabelLength = 80;
    public const int MaxChoices = 25;
    public const int MaxChoiceLength = 100;

    /// <summary>Message flag 64: only the invoking user sees the message.</summary>
    public const int EphemeralFlag = 1 << 6;

    /// <summary>The body of <c>POST /interactions/{id}/{token}/callback</c>.</summary>
    /// <param name="focusedOptionType">For autocomplete: the type of the option being typed. Choice values are numbers
    /// for INTEGER and NUMBER options (Discord rejects a string there), strings otherwise.</param>
    public static JsonObject Response(InteractionResponse response, ApplicationCommandOptionType? focusedOptionType = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = new JsonObject { ["type"] = (int)response.Type };
        switch (response.Type)
        {
            case InteractionCallbackType.Pong:
            case InteractionCallbackType.DeferredUpdateMessage:
                break;
            case InteractionCallbackType.ChannelMessageWithSource or InteractionCallbackType.UpdateMessage when response.Message?.Files is { Count: > 0 }:
                throw new ArgumentException("A callback carries no files here: defer (type 5) and send them with the edit of @original.", nameof(response));
            case InteractionCallbackType.ChannelMessageWithSource:
                body["data"] = Message(response.Message ?? throw new ArgumentException("A type 4 response needs a message.", nameof(response)), withFlags: true);
                break;
            case InteractionCallbackType.UpdateMessage:
                // Ephemerality cannot change on an update: no flags.
                body["data"] = Message(response.Message ?? throw new ArgumentException("A type 7 response needs a message.", nameof(response)), withFlags: false);
                break;
            case InteractionCallbackType.DeferredChannelMessageWithSource:
                // Only the flags matter here: an ephemeral deferral makes the edited @original ephemeral too.
                var deferred = new JsonObject { ["allowed_mentions"] = NoMentions() };
                if (response.Message?.Ephemeral == true)
                    deferred["flags"] = EphemeralFlag;
                body["data"] = deferred;
                break;
            case InteractionCallbackType.ApplicationCommandAutocompleteResult:
                body["data"] = new JsonObject { ["choices"] = Choices(response.Choices ?? [], focusedOptionType) };
                break;
            default:
                throw new ArgumentException($"Callback type {(int)response.Type} is not supported.", nameof(response));
        }

        return body;
    }

    /// <summary>The body of <c>PATCH …/messages/@original</c>: flags cannot change on an edit, so none are sent.</summary>
    public static JsonObject Edit(InteractionMessage message) => Message(message, withFlags: false);

    /// <summary>The body of <c>POST /webhooks/{app}/{token}</c>.</summary>
    public static JsonObject FollowUp(InteractionMessage message)
    {
        var body = Message(message, withFlags: true);
        if (message.Content is null && message.Embeds is not { Count: > 0 } && message.Components is not { Count: > 0 } && message.Files is not { Count: > 0 })
            throw new ArgumentException("A follow-up needs content, embeds, components or files.", nameof(message));
        return body;
    }

    private static JsonObject Message(InteractionMessage message, bool withFlags)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = new JsonObject();
        if (message.Content is { } content)
        {
            if (content.Length > MaxContentLength)
                throw new ArgumentException($"Content is {content.Length} characters; an interaction message holds at most {MaxContentLength}.", nameof(message));
            body["content"] = content;
        }

        if (message.Embeds is { } embeds)
        {
            if (embeds.Count > MaxEmbeds)
                throw new ArgumentException($"At most {MaxEmbeds} embeds per message.", nameof(message));
            body["embeds"] = new JsonArray([.. embeds.Select(e => (JsonNode?)DiscordJson.Embed(e))]);
        }

        if (message.Components is { } rows)
            body["components"] = Components(rows);
        if (withFlags && message.Ephemeral)
            body["flags"] = EphemeralFlag;
        if (message.Files is { Count: > 0 } files)
            Rest.DiscordMultipart.Describe(body, files);
        // Always empty: a stored value may hold @everyone or <@id>, and showing it must never ping.
        body["allowed_mentions"] = NoMentions();
        return body;
    }

    private static JsonArray Components(IReadOnlyList<DiscordActionRow> rows)
    {
        if (rows.Count > MaxActionRows)
            throw new ArgumentException($"At most {MaxActionRows} action rows per message.", nameof(rows));
        var json = new JsonArray();
        foreach (var row in rows)
        {
            if (row.Buttons.Count is 0 or > MaxButtonsPerRow)
                throw new ArgumentException($"An action row holds 1 to {MaxButtonsPerRow} buttons.", nameof(rows));
            var buttons = new JsonArray();
            foreach (var button in row.Buttons)
            {
                if (button.CustomId.Length is 0 or > MaxCustomIdLength)
                    throw new ArgumentException($"A button's custom_id is 1 to {MaxCustomIdLength} characters (this one: {button.CustomId.Length}).", nameof(rows));
                if (button.Label.Length > MaxButtonLabelLength)
                    throw new ArgumentException($"A button's label is at most {MaxButtonLabelLength} characters.", nameof(rows));
                if (button.Style is < 1 or > 4)
                    throw new ArgumentException("A custom_id button's style is 1 (primary), 2 (secondary), 3 (success) or 4 (danger).", nameof(rows));
                buttons.Add(new JsonObject
                {
                    ["type"] = 2,
                    ["style"] = button.Style,
                    ["label"] = button.Label,
                    ["custom_id"] = button.CustomId,
                    ["disabled"] = button.Disabled,
                });
            }

            json.Add(new JsonObject { ["type"] = 1, ["components"] = buttons });
        }

        return json;
    }

    private static JsonArray Choices(IReadOnlyList<AutocompleteChoice> choices, ApplicationCommandOptionType? type)
    {
        if (choices.Count > MaxChoices)
            throw new ArgumentException($"At most {MaxChoices} autocomplete choices (got {choices.Count}).", nameof(choices));
        var json = new JsonArray();
        foreach (var choice in choices)
        {
            if (choice.Name.Length is 0 or > MaxChoiceLength || choice.Value.Length > MaxChoiceLength)
                throw new ArgumentException($"An autocomplete choice's name is 1 to {MaxChoiceLength} characters and its value at most {MaxChoiceLength}.", nameof(choices));
            json.Add(new JsonObject { ["name"] = choice.Name, ["value"] = ChoiceValue(choice.Value, type) });
        }

        return json;
    }

    /// <summary>A choice value typed as the option is: a number for INTEGER/NUMBER options, else a string.</summary>
    internal static JsonNode ChoiceValue(string value, ApplicationCommandOptionType? type) => type switch
    {
        ApplicationCommandOptionType.Integer when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
        ApplicationCommandOptionType.Number when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) => JsonValue.Create(number),
        ApplicationCommandOptionType.Integer or ApplicationCommandOptionType.Number =>
            throw new ArgumentException("A choice of an INTEGER or NUMBER option needs a numeric value.", nameof(value)),
        _ => JsonValue.Create(value),
    };

    private static JsonObject NoMentions() => new() { ["parse"] = new JsonArray() };
}
