using Microsoft.Extensions.Options;

namespace EventBot.Discord;

/// <summary>Settings for the gateway and REST clients, bound from the "Discord" configuration section.</summary>
public sealed class DiscordOptions
{
    public const string SectionName = "Discord";

    /// <summary>The bot token from the Developer Portal, without the "Bot " prefix. Required; never logged.</summary>
    public string Token { get; set; } = "";

    /// <summary>REST base including the API version. Default <c>https://discord.com/api/v10</c>.</summary>
    public string ApiBaseUrl { get; set; } = "https://discord.com/api/v10";

    /// <summary>This process's shard. Default 0.</summary>
    public int ShardId { get; set; }

    /// <summary>Total shards. Default 1 (enough below 2,500 guilds).</summary>
    public int ShardCount { get; set; } = 1;

    /// <summary>Default GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT | DIRECT_MESSAGES.</summary>
    public DiscordIntents Intents { get; set; } = DiscordIntents.Default;

    /// <summary>
    /// Ask for the privileged MESSAGE_CONTENT intent (<c>DISCORD_MESSAGE_CONTENT</c>). Default true: prefix commands
    /// in servers need it, and a bot in fewer than 100 servers only has to switch it on in the Developer Portal. False
    /// leaves it out of Identify whatever <see cref="Intents"/> says (for a verified bot Discord refused it, or one that
    /// runs on slash commands): the bot still reads its DMs, messages that mention it and replies to it, and every
    /// interaction.
    /// </summary>
    public bool MessageContent { get; set; } = true;

    /// <summary>The intents sent in Identify: <see cref="Intents"/>, without MESSAGE_CONTENT when <see cref="MessageContent"/> is false.</summary>
    public DiscordIntents EffectiveIntents => MessageContent ? Intents : Intents & ~DiscordIntents.MessageContent;

    /// <summary>The <c>browser</c>/<c>device</c> identify properties. Default "EventBot".</summary>
    public string ClientName { get; set; } = "EventBot";

    /// <summary>WebSocket connect timeout. Default 30 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for Hello (op 10) after connecting before giving up on the connection. Default 30 s.</summary>
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a close we start may take (our close frame out, Discord's answer in) before the socket is dropped. Default 1 s.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First delay of the capped exponential reconnect backoff. Default 1 s.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the reconnect backoff. Default 60 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of one REST request. Default 30 s.</summary>
    public TimeSpan RestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a REST call answered 5xx, with exponential backoff. Default 3.</summary>
    public int MaxServerErrorRetries { get; set; } = 3;

    /// <summary>Retries of a REST call answered 429 before giving up. Default 5.</summary>
    public int MaxRateLimitRetries { get; set; } = 5;

    /// <summary>
    /// Received messages waiting for the handler (<c>DISCORD_MESSAGE_QUEUE_CAPACITY</c>). Default 1,000. When the handler
    /// falls this far behind, newer messages are dropped and logged (once when the queue fills, once with the count when
    /// it has room again): memory stays bounded and the connection keeps its heartbeat.
    /// </summary>
    public int MessageQueueCapacity { get; set; } = 1_000;

    /// <summary>First delay of the 5xx backoff. Default 500 ms.</summary>
    public TimeSpan ServerErrorInitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    // Options objects end up in debug output and exception messages; the token must not.
    public override string ToString() =>
        $"DiscordOptions {{ ApiBaseUrl = {ApiBaseUrl}, Shard = [{ShardId}, {ShardCount}], Intents = {EffectiveIntents}, Token = <redacted> }}";
}

/// <summary>Fails start-up with a readable reason instead of a 401 or 4004 minutes later.</summary>
public sealed class DiscordOptionsValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Token))
            failures.Add("Discord:Token is required (the bot token from the Developer Portal).");
        else if (options.Token.StartsWith("Bot ", StringComparison.OrdinalIgnoreCase))
            failures.Add("Discord:Token must be the bare token, without the \"Bot \" prefix.");
        else if (options.Token.Any(char.IsWhiteSpace))
            failures.Add("Discord:Token must not contain whitespace.");

        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
            failures.Add("Discord:ApiBaseUrl must be an absolute http(s) URL such as https://discord.com/api/v10.");
        if (options.ShardCount < 1)
            failures.Add("Discord:ShardCount must be at least 1.");
        if (options.ShardId < 0 || options.ShardId >= options.ShardCount)
            failures.Add("Discord:ShardId must be in [0, ShardCount).");
        if (string.IsNullOrWhiteSpace(options.ClientName))
            failures.Add("Discord:ClientName is required.");
        Positive(options.ConnectTimeout, nameof(options.ConnectTimeout));
        Positive(options.HelloTimeout, nameof(options.HelloTimeout));
        Positive(options.CloseTimeout, nameof(options.CloseTimeout));
        Positive(options.ReconnectInitialDelay, nameof(options.ReconnectInitialDelay));
        Positive(options.RestTimeout, nameof(options.RestTimeout));
        Positive(options.ServerErrorInitialDelay, nameof(options.ServerErrorInitialDelay));
        if (options.ReconnectMaxDelay < options.ReconnectInitialDelay)
            failures.Add("Discord:ReconnectMaxDelay must be at least ReconnectInitialDelay.");
        if (options.MessageQueueCapacity is < 1 or > 1_000_000)
            failures.Add("Discord:MessageQueueCapacity must be between 1 and 1,000,000.");
        if (options.MaxServerErrorRetries < 0 || options.MaxRateLimitRetries < 0)
            failures.Add("Discord:MaxServerErrorRetries and MaxRateLimitRetries must not be negative.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(TimeSpan value, string field)
        {
            if (value <= TimeSpan.Zero)
                failures.Add($"Discord:{field} must be positive.");
        }
    }
}
