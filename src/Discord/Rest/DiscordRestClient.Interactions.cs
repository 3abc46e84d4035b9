using System.Text.Json;
using System.Text.Json.Nodes;
using EventBot.Discord.Interactions;

namespace EventBot.Discord.Rest;

/// <summary>
/// The interaction endpoints and the command registry. Interaction routes go through the same 429/5xx handling as every
/// other call, in their own per-interaction buckets outside the global limit; the token travels only in the request path.
/// </summary>
public sealed partial class DiscordRestClient : IDiscordInteractions, IDiscordApplicationCommands
{
    /// <summary>Discord's JSON error code for Unknown interaction.</summary>
    internal const int UnknownInteraction = 10062;

    /// <summary>Interaction has already been acknowledged.</summary>
    internal const int AlreadyAcknowledged = 40060;

    /// <summary>Invalid Webhook Token: what an edit or follow-up gets once the 15-minute token has expired.</summary>
    internal const int InvalidWebhookToken = 50027;

    public async Task RespondAsync(DiscordInteraction interaction, InteractionResponse response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        RequireSnowflake(interaction.Id, "interaction.Id");
        RequireToken(interaction.Token);
        var focused = response.Type == InteractionCallbackType.ApplicationCommandAutocompleteResult && interaction.Data is { } data
            ? DiscordInteractionJson.Focused(data.Options)?.Type
            : null;
        var body = InteractionResponseJson.Response(response, focused);
        using (await SendAsync(DiscordRoute.InteractionCallback(interaction.Id, interaction.Token), body, ct)) { }
    }

    public async Task EditOriginalAsync(string applicationId, string token, InteractionMessage message, CancellationToken ct)
    {
        RequireSnowflake(applicationId, nameof(applicationId));
        RequireToken(token);
        var body = InteractionResponseJson.Edit(message);
        using (await SendAsync(DiscordRoute.EditOriginal(applicationId, token), body, ct, message.Files)) { }
    }

    public async Task FollowUpAsync(string applicationId, string token, InteractionMessage message, CancellationToken ct)
    {
        RequireSnowflake(applicationId, nameof(applicationId));
        RequireToken(token);
        var body = InteractionResponseJson.FollowUp(message);
        using (await SendAsync(DiscordRoute.FollowUp(applicationId, token), body, ct, message.Files)) { }
    }

    public async Task<JsonArray> GetCommandsAsync(string applicationId, string? guildId, CancellationToken ct)
    {
        RequireSnowflake(applicationId, nameof(applicationId));
        if (guildId is not null)
            RequireSnowflake(guildId, nameof(guildId));
        using var doc = await SendAsync(DiscordRoute.ApplicationCommands(HttpMethod.Get, applicationId, guildId), null, ct);
        return doc.RootElement.ValueKind == JsonValueKind.Array
            ? JsonNode.Parse(doc.RootElement.GetRawText())!.AsArray()
            : throw new DiscordRestException("GET application commands did not answer a JSON array.", 200);
    }

    public async Task PutCommandsAsync(string applicationId, string? guildId, JsonArray commands, CancellationToken ct)
    {
        RequireSnowflake(applicationId, nameof(applicationId));
        if (guildId is not null)
            RequireSnowflake(guildId, nameof(guildId));
        ArgumentNullException.ThrowIfNull(commands);
        using (await SendAsync(DiscordRoute.ApplicationCommands(HttpMethod.Put, applicationId, guildId), commands.DeepClone(), ct)) { }
    }

    public async Task<string> GetApplicationIdAsync(CancellationToken ct)
    {
        using var doc = await SendAsync(DiscordRoute.CurrentApplication, null, ct);
        return DiscordJson.OptionalString(doc.RootElement, "id") ?? throw new DiscordRestException("GET /applications/@me answered no id.", 200);
    }

    /// <summary>
    /// Tokens go into the URL path: only the characters Discord's tokens use (letters, digits, '-', '_', '.') pass, which
    /// also rules out path tricks. The message never repeats the token.
    /// </summary>
    private static void RequireToken(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1_000 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException("The interaction token is empty or has characters a Discord token never has.", nameof(token));
    }
}
