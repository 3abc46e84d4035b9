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

/// <summary>
/// A file to upload with a message (API reference › Uploading Files): sent as the <c>files[n]</c> part of a
/// <c>multipart/form-data</c> body and listed in the payload's <c>attachments</c> as <c>{id: n, filename}</c>.
/// Discord's default limit is <see cref="MaxBytes"/> per file. The bytes never appear in <see cref="ToString"/>.
/// </summary>
public sealed record DiscordFile(string FileName, string ContentType, ReadOnlyMemory<byte> Content)
{
    /// <summary>The default upload limit per file, 10 MiB, for bots as for users without Nitro in a server without boosts.</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    public override string ToString() => $"{FileName} ({ContentType}, {Content.Length} bytes)";
}
