namespace EventBot.Discord;

/// <summary>The sending half of the port.</summary>
public interface IDiscordRest
{
    /// <summary>
    /// Replies to a message. Never pings anyone (<c>allowed_mentions.parse = []</c>); content over 2,000 characters is
    /// sent as several messages split on line boundaries.
    /// </summary>
    Task SendReplyAsync(string channelId, string replyToMessageId, string content, IReadOnlyList<DiscordEmbed>? embeds, CancellationToken ct);

    Task<DiscordUser> GetCurrentUserAsync(CancellationToken ct);

    /// <summary><c>POST /users/@me/channels</c> with <c>recipient_id</c>: the id of the DM channel with the user.</summary>
    Task<string> CreateDmAsync(string userId, CancellationToken ct);

    /// <summary>
    /// <c>POST /channels/{id}/messages</c> with files: <c>multipart/form-data</c> (<c>payload_json</c> + <c>files[n]</c>),
    /// never pinging anyone. Discord answers 50007 (<see cref="DiscordErrorCodes.CannotSendMessagesToUser"/>) when the
    /// user does not accept DMs from the bot.
    /// </summary>
    Task SendMessageAsync(string channelId, string content, IReadOnlyList<DiscordFile> files, CancellationToken ct);
}
