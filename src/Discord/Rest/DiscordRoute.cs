namespace EventBot.Discord.Rest;

/// <summary>
/// A REST route as the rate-limit docs see it: method + template + major parameter (channel_id, guild_id or webhook_id).
/// Two channels' message routes are separate limits even when Discord reports the same bucket hash.
/// </summary>
internal sealed record DiscordRoute(HttpMethod Method, string Template, string? MajorParameter, string Path)
{
    /// <summary>Method + template: what Discord maps to an <c>X-RateLimit-Bucket</c> hash.</summary>
    public string TemplateKey => $"{Method.Method} {Template}";

    /// <summary>Identifies the limit before Discord has told us its bucket hash.</summary>
    public string Key => $"{TemplateKey}:{MajorParameter}";

    public static DiscordRoute CreateMessage(string channelId) =>
        new(HttpMethod.Post, "/channels/{channel_id}/messages", channelId, $"/channels/{channelId}/messages");

    public static readonly DiscordRoute CurrentUser = new(HttpMethod.Get, "/users/@me", null, "/users/@me");

    public static readonly DiscordRoute GatewayBot = new(HttpMethod.Get, "/gateway/bot", null, "/gateway/bot");
}
