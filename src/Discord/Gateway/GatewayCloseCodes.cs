namespace EventBot.Discord.Gateway;

/// <summary>What to do after a gateway close, straight from the "Reconnect" and "Resume" columns of the close code table.</summary>
internal sealed record GatewayCloseCode(int Code, string Name, bool Reconnect, bool Resume, string Hint);

internal static class GatewayCloseCodes
{
    private static readonly Dictionary<int, GatewayCloseCode> Table = new GatewayCloseCode[]
    {
        new(4000, "Unknown error", true, true, "Discord does not know what went wrong"),
        new(4001, "Unknown opcode", true, false, "we sent an invalid opcode or payload"),
        new(4002, "Decode error", true, true, "we sent a payload Discord could not decode"),
        new(4003, "Not authenticated", true, false, "a payload was sent before identifying, or the session was invalidated"),
        new(4004, "Authentication failed", false, false, "the bot token is invalid or was reset: set a valid Discord:Token"),
        new(4005, "Already authenticated", true, false, "more than one identify was sent"),
        new(4007, "Invalid seq", true, false, "the sequence sent when resuming was invalid"),
        new(4008, "Rate limited", true, true, "payloads were sent too quickly"),
        new(4009, "Session timed out", true, false, "the session timed out"),
        new(4010, "Invalid shard", false, false, "Discord:ShardId/ShardCount are not valid"),
        new(4011, "Sharding required", false, false, "the bot is in too many guilds for one shard: raise Discord:ShardCount"),
        new(4012, "Invalid API version", false, false, "the gateway version is not supported"),
        new(4013, "Invalid intents", false, false, "the intents bit value is invalid: check Discord:Intents"),
        new(4014, "Disallowed intents", false, false,
            "enable MESSAGE_CONTENT (and any other privileged intent in Discord:Intents) under Bot > Privileged Gateway Intents in the Developer Portal, or set Discord:MessageContent=false (DISCORD_MESSAGE_CONTENT=false) to run on slash commands, mentions and DMs"),
    }.ToDictionary(c => c.Code);

    /// <summary>Codes outside the table (1000, 1001, 1006, ...) are treated like 4000: reconnect and try to resume.</summary>
    public static GatewayCloseCode Describe(int? code) =>
        code is { } c && Table.TryGetValue(c, out var known)
            ? known
            : new GatewayCloseCode(code ?? 0, code is null ? "Closed without a close frame" : "Closed", true, true, "connection lost");
}
