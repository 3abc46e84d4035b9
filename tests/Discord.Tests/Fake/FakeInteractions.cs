using System.Text.Json.Nodes;

namespace EventBot.Discord.Tests.Fake;

/// <summary>
/// Interaction objects shaped like the docs' examples (Interactions › Receiving and Responding › Interaction Object),
/// for <see cref="FakeGatewayConnection.DispatchInteractionAsync"/> and for an HTTP endpoint's request bodies alike.
/// In a guild the user is <c>member.user</c> with the member's <c>permissions</c>; in a DM it is <c>user</c>.
/// </summary>
public static class FakeInteractions
{
    public const string GuildId = "400000000000000004";
    public const string ChannelId = "300000000000000003";
    public const string UserId = "200000000000000002";

    /// <summary>A token that looks like one (long, URL-safe) and is easy to find in a log.</summary>
    public static string NewToken(string interactionId) => $"aW50ZXJhY3Rpb246{interactionId}.s3cr3t-itok-{Guid.NewGuid():N}";

    /// <summary>A slash command (type 2). <paramref name="options"/> from <see cref="Option"/> and <see cref="SubCommand"/>.</summary>
    public static JsonObject Command(string id, string name, JsonArray? options = null, string? guildId = GuildId, string userId = UserId,
        JsonObject? resolvedUsers = null, string applicationId = FakeDiscordServer.DefaultApplicationId)
    {
        var data = new JsonObject { ["id"] = "120000000000000012", ["name"] = name, ["type"] = 1 };
        if (options is not null)
            data["options"] = options;
        if (resolvedUsers is not null)
            data["resolved"] = new JsonObject { ["users"] = resolvedUsers };
        return Interaction(id, 2, data, guildId, userId, applicationId);
    }

    /// <summary>An autocomplete request (type 4): the option being typed is marked <c>focused</c>.</summary>
    public static JsonObject Autocomplete(string id, string name, JsonArray options, string? guildId = GuildId, string userId = UserId,
        string applicationId = FakeDiscordServer.DefaultApplicationId) =>
        Interaction(id, 4, new JsonObject { ["id"] = "120000000000000012", ["name"] = name, ["type"] = 1, ["options"] = options }, guildId, userId, applicationId);

    /// <summary>A button click (type 3, component_type 2) on the message <paramref name="messageId"/>.</summary>
    public static JsonObject Button(string id, string customId, string messageId = "900000000000000009", string? guildId = GuildId, string userId = UserId,
        string applicationId = FakeDiscordServer.DefaultApplicationId)
    {
        var interaction = Interaction(id, 3, new JsonObject { ["custom_id"] = customId, ["component_type"] = 2 }, guildId, userId, applicationId);
        interaction["message"] = new JsonObject
        {
            ["id"] = messageId,
            ["channel_id"] = ChannelId,
            ["type"] = 20,
            ["content"] = "",
            ["author"] = new JsonObject { ["id"] = applicationId, ["username"] = "eventbot", ["bot"] = true },
            ["flags"] = 0,
        };
        return interaction;
    }

    /// <summary>The PING Discord sends an HTTP endpoint to check it (type 1): no user, no data.</summary>
    public static JsonObject Ping(string id, string applicationId = FakeDiscordServer.DefaultApplicationId) => new()
    {
        ["id"] = id,
        ["application_id"] = applicationId,
        ["type"] = 1,
        ["token"] = NewToken(id),
        ["version"] = 1,
    };

    public static JsonObject Option(string name, int type, JsonNode? value, bool focused = false)
    {
        var option = new JsonObject { ["name"] = name, ["type"] = type, ["value"] = value };
        if (focused)
            option["focused"] = true;
        return option;
    }

    public static JsonObject Text(string name, string value, bool focused = false) => Option(name, 3, value, focused);

    public static JsonObject SubCommand(string name, params JsonObject[] options) =>
        new() { ["name"] = name, ["type"] = 1, ["options"] = new JsonArray([.. options]) };

    public static JsonArray Options(params JsonObject[] options) => new([.. options]);

    public static JsonObject User(string id, string username, string? globalName = null) => new()
    {
        ["id"] = id,
        ["username"] = username,
        ["global_name"] = globalName,
        ["discriminator"] = "0",
        ["avatar"] = null,
    };

    private static JsonObject Interaction(string id, int type, JsonObject data, string? guildId, string userId, string applicationId)
    {
        var interaction = new JsonObject
        {
            ["id"] = id,
            ["application_id"] = applicationId,
            ["type"] = type,
            ["data"] = data,
            ["channel_id"] = ChannelId,
            ["channel"] = new JsonObject { ["id"] = ChannelId, ["type"] = guildId is null ? 1 : 0 },
            ["token"] = NewToken(id),
            ["version"] = 1,
            ["app_permissions"] = "562949953601536",
            ["locale"] = "en-US",
            ["entitlements"] = new JsonArray(),
            ["context"] = guildId is null ? 1 : 0,
        };
        var user = User(userId, "someone", "Some One");
        if (guildId is null)
        {
            interaction["user"] = user;
        }
        else
        {
            interaction["guild_id"] = guildId;
            interaction["guild_locale"] = "en-US";
            interaction["member"] = new JsonObject
            {
                ["user"] = user,
                ["roles"] = new JsonArray(),
                ["joined_at"] = "2026-01-01T00:00:00.000000+00:00",
                ["deaf"] = false,
                ["mute"] = false,
                ["nick"] = null,
                ["permissions"] = "2248473465835073",
            };
        }

        return interaction;
    }
}
