namespace EventBot.Discord;

/// <summary>Gateway intents (bit values from the Gateway docs). Only the ones a text bot plausibly needs are named.</summary>
[Flags]
public enum DiscordIntents
{
    None = 0,
    Guilds = 1 << 0,
    GuildMembers = 1 << 1,
    GuildMessages = 1 << 9,
    GuildMessageReactions = 1 << 10,
    DirectMessages = 1 << 12,
    DirectMessageReactions = 1 << 13,
    MessageContent = 1 << 15,

    /// <summary>What EventBot needs: guild and DM messages with their content.</summary>
    Default = Guilds | GuildMessages | MessageContent | DirectMessages,
}
