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
}
