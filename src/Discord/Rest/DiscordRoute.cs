using System.Security.Cryptography;
using System.Text;

namespace EventBot.Discord.Rest;

/// <summary>
/// A REST route as the rate-limit docs see it: method + template + major parameter (channel_id, guild_id or webhook_id).
/// Two channels' message routes are separate limits even when Discord reports the same bucket hash.
/// </summary>
/// <param name="Path">The request path. For interaction routes it holds the interaction token: never log it, never
/// put it in a key, a tag or a message (use <see cref="TemplateKey"/>).</param>
/// <param name="Interaction">An interaction or interaction-webhook route: outside the global rate limit, sent without the
/// bot token (the interaction token in the path is the credential), one bucket per interaction.</param>
internal sealed record DiscordRoute(HttpMethod Method, string Template, string? MajorParameter, string Path, bool Interaction = false)
{
    /// <summary>Method + template: what Discord maps to an <c>X-RateLimit-Bucket</c> hash.</summary>
    public string TemplateKey => $"{Method.Method} {Template}";

    /// <summary>Identifies the limit before Discord has told us its bucket hash. Never holds a token.</summary>
    public string Key => $"{TemplateKey}:{MajorParameter}";

    public static DiscordRoute CreateMessage(string channelId) =>
        new(HttpMethod.Post, "/channels/{channel_id}/messages", channelId, $"/channels/{channelId}/messages");

    /// <summary><c>POST /users/@me/channels</c>: opens (or finds) the DM channel with a user.</summary>
    public static readonly DiscordRoute CreateDm = new(HttpMethod.Post, "/users/@me/channels", null, "/users/@me/channels");

    public static readonly DiscordRoute CurrentUser = new(HttpMethod.Get, "/users/@me", null, "/users/@me");

    public static readonly DiscordRoute CurrentApplication = new(HttpMethod.Get, "/applications/@me", null, "/applications/@me");

    public static readonly DiscordRoute GatewayBot = new(HttpMethod.Get, "/gateway/bot", null, "/gateway/bot");

    /// <summary><c>POST /interactions/{id}/{token}/callback</c>; its limit is the interaction's own.</summary>
    public static DiscordRoute InteractionCallback(string interactionId, string token) =>
        new(HttpMethod.Post, "/interactions/{interaction_id}/{interaction_token}/callback", interactionId,
            $"/interactions/{interactionId}/{token}/callback", Interaction: true);

    /// <summary><c>PATCH /webhooks/{app}/{token}/messages/@original</c>; major parameter webhook id + token (as a fingerprint).</summary>
    public static DiscordRoute EditOriginal(string applicationId, string token) =>
        new(HttpMethod.Patch, "/webhooks/{application_id}/{interaction_token}/messages/@original", WebhookMajor(applicationId, token),
            $"/webhooks/{applicationId}/{token}/messages/@original", Interaction: true);

    /// <summary><c>POST /webhooks/{app}/{token}</c>: a follow-up message.</summary>
    public static DiscordRoute FollowUp(string applicationId, string token) =>
        new(HttpMethod.Post, "/webhooks/{application_id}/{interaction_token}", WebhookMajor(applicationId, token),
            $"/webhooks/{applicationId}/{token}", Interaction: true);

    /// <summary><c>GET</c>/<c>PUT /applications/{app}/commands</c>, or the guild's when <paramref name="guildId"/> is set.</summary>
    public static DiscordRoute ApplicationCommands(HttpMethod method, string applicationId, string? guildId) => guildId is null
        ? new(method, "/applications/{application_id}/commands", applicationId, $"/applications/{applicationId}/commands")
        : new(method, "/applications/{application_id}/guilds/{guild_id}/commands", guildId, $"/applications/{applicationId}/guilds/{guildId}/commands");

    // A record prints every member; the path may hold an interaction token.
    public override string ToString() => TemplateKey;

    /// <summary>The docs make webhook id + token the major parameter; the key keeps a one-way fingerprint of the token.</summary>
    private static string WebhookMajor(string applicationId, string token) =>
        $"{applicationId}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)), 0, 8)}";
}
