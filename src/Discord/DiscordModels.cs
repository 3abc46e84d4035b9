namespace EventBot.Discord;

/// <summary>A Discord user as the bot needs it; ids are snowflakes kept as strings, as Discord sends them.</summary>
public sealed record DiscordUser(string Id, string Username, string? GlobalName, bool IsBot);

/// <summary>A MESSAGE_CREATE dispatch reduced to what the bot reads.</summary>
public sealed record DiscordIncomingMessage(
    string Id,
    string ChannelId,
    string? GuildId,
    DiscordUser Author,
    string? WebhookId,
    string Content,
    IReadOnlyList<DiscordUser> Mentions,
    DateTimeOffset Timestamp);

public sealed record DiscordEmbed(string? Title, string? Description, IReadOnlyList<DiscordEmbedField> Fields, int? Color = null);

public sealed record DiscordEmbedField(string Name, string Value, bool Inline = false);
