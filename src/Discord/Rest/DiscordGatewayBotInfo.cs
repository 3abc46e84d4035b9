namespace EventBot.Discord.Rest;

/// <summary>What <c>GET /gateway/bot</c> answers.</summary>
public sealed record DiscordGatewayBotInfo(string Url, int Shards, DiscordSessionStartLimit SessionStartLimit);

/// <summary>How many identifies are left, when the count resets, and how many may start per 5 s.</summary>
public sealed record DiscordSessionStartLimit(int Total, int Remaining, TimeSpan ResetAfter, int MaxConcurrency);
