using System.Text.Json.Nodes;

namespace EventBot.Discord.Interactions;

/// <summary>
/// The interaction half of the REST port. These endpoints are outside the global rate limit but can still answer 429;
/// they are retried as other REST calls are. The interaction token never appears in a log line or an exception message.
/// </summary>
public interface IDiscordInteractions
{
    /// <summary><c>POST /interactions/{id}/{token}/callback</c>: the first response, due within 3 s of the interaction.
    /// Throws <see cref="DiscordInteractionExpiredException"/> when Discord answers 10062 (Unknown interaction).</summary>
    Task RespondAsync(DiscordInteraction interaction, InteractionResponse response, CancellationToken ct);

    /// <summary><c>PATCH /webhooks/{application}/{token}/messages/@original</c>: completes a deferred (type 5/6) response.</summary>
    Task EditOriginalAsync(string applicationId, string token, InteractionMessage message, CancellationToken ct);

    /// <summary><c>POST /webhooks/{application}/{token}</c>: a follow-up message while the 15-minute token lives.</summary>
    Task FollowUpAsync(string applicationId, string token, InteractionMessage message, CancellationToken ct);
}

/// <summary>Reads and bulk-overwrites the registered application commands (global, or one guild's).</summary>
public interface IDiscordApplicationCommands
{
    /// <summary><c>GET /applications/{app}/commands</c> or <c>…/guilds/{guild}/commands</c>, as Discord returns them.</summary>
    Task<JsonArray> GetCommandsAsync(string applicationId, string? guildId, CancellationToken ct);

    /// <summary><c>PUT</c> on the same route: replaces every command in one request.</summary>
    Task PutCommandsAsync(string applicationId, string? guildId, JsonArray commands, CancellationToken ct);

    /// <summary><c>GET /applications/@me</c>: the bot's application id, for tools that run without a gateway session.</summary>
    Task<string> GetApplicationIdAsync(CancellationToken ct);
}
