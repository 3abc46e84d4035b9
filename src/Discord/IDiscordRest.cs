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
}
