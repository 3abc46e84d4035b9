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
    /// for every MESSAGE_CREATE in order. Returns when <paramref name="ct"/> is cancelled; throws
    /// <see cref="DiscordGatewayFatalException"/> when Discord closes with a code that must not be retried.
    /// </summary>
    Task RunAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, CancellationToken ct);
}
