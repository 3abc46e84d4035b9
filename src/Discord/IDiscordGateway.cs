using EventBot.Discord.Interactions;

namespace EventBot.Discord;

/// <summary>The receiving half of the port: one gateway connection (one shard) kept alive until cancelled.</summary>
public interface IDiscordGateway
{
    /// <summary>The bot's own user, known once READY has arrived; null before.</summary>
    DiscordUser? CurrentUser { get; }

    /// <summary>Completes with the bot's user at the first READY (lets the bot ignore itself and spot <c>&lt;@id&gt;</c> prefixes).</summary>
    Task<DiscordUser> WaitUntilReadyAsync(CancellationToken ct);

    /// <summary>
    /// Connects, identifies, resumes and reconnects as the Discord docs prescribe, calling <paramref name="onMessage"/>
    /// for every MESSAGE_CREATE in order. When <paramref name="ct"/> is cancelled it stops reading, closes the connection,
    /// hands every message already read to <paramref name="onMessage"/> (whose token is then cancelled: the handler
    /// decides how long it may still take) and returns; throws
    /// <see cref="DiscordGatewayFatalException"/> when Discord closes with a code that must not be retried.
    /// </summary>
    Task RunAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, CancellationToken ct);

    /// <summary>The bot's application id from READY (<c>application.id</c>); null before the first READY.</summary>
    string? ApplicationId => null;

    /// <summary>
    /// <see cref="RunAsync(Func{DiscordIncomingMessage, CancellationToken, Task}, CancellationToken)"/>, also handing
    /// every INTERACTION_CREATE to <paramref name="onInteraction"/>: in the order received, interleaved with messages
    /// on the same queue (so the same capacity, the same drop rule and the same drain at shutdown). An interaction must
    /// be acknowledged within 3 s: the handler should start the work and return, not finish it.
    /// </summary>
    Task RunAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, Func<DiscordInteraction, CancellationToken, Task> onInteraction, CancellationToken ct) =>
        throw new NotSupportedException($"{GetType().Name} does not deliver interactions.");

    /// <summary>
    /// Set before <c>RunAsync</c>: every GUILD_CREATE and GUILD_DELETE goes to it, in order on the same queue as
    /// messages. Null (the default) drops them. A gateway that does not deliver guild events ignores it.
    /// </summary>
    Func<DiscordGuildEvent, CancellationToken, Task>? OnGuild { get => null; set { } }
}

/// <summary>What a guild event says about the bot's membership (docs/privacy.md: the retention after removal).</summary>
public enum DiscordGuildChange
{
    /// <summary>GUILD_CREATE: the bot is in the server (at every connect, after an outage, or added again).</summary>
    Available,

    /// <summary>GUILD_DELETE without <c>unavailable</c> (or false): the bot was removed from the server.</summary>
    Removed,

    /// <summary>GUILD_DELETE with <c>unavailable: true</c>: an outage on Discord's side; the bot is still a member.</summary>
    Unavailable,
}

/// <summary>A GUILD_CREATE or GUILD_DELETE: only the server's id and what it means.</summary>
public sealed record DiscordGuildEvent(string GuildId, DiscordGuildChange Change);
