namespace EventBot.Discord;

/// <summary>Discord closed the gateway with a code whose docs say "do not reconnect". Messages never contain the token.</summary>
public sealed class DiscordGatewayFatalException : Exception
{
    public DiscordGatewayFatalException(int closeCode, string reason)
        : base($"Discord gateway closed with {closeCode}: {reason}. Not reconnecting.")
    {
        CloseCode = closeCode;
        Reason = reason;
    }

    public int CloseCode { get; }

    public string Reason { get; }
}

/// <summary>Discord answered 401: the token is wrong or revoked. Every later request fails fast with this too.</summary>
public sealed class DiscordAuthenticationException(string message) : Exception(message);

/// <summary>A REST call failed for a reason retrying will not fix (or retries ran out).</summary>
public sealed class DiscordRestException(string message, int statusCode, int? discordErrorCode = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The JSON <c>code</c> from Discord's error body, when there was one.</summary>
    public int? DiscordErrorCode { get; } = discordErrorCode;
}

/// <summary>Discord answered 10062 (Unknown interaction): the 3-second window or the 15-minute token has passed.
/// Not retried; the message never contains the token.</summary>
public sealed class DiscordInteractionExpiredException(string message) : Exception(message);

/// <summary>Discord's JSON error codes the bot acts on (Topics › Opcodes and Status Codes › JSON Error Codes).</summary>
public static class DiscordErrorCodes
{
    /// <summary>Cannot send messages to this user: their DMs are closed to the bot (or to this server's members).</summary>
    public const int CannotSendMessagesToUser = 50007;

    /// <summary>Request entity too large: a file over the upload limit.</summary>
    public const int RequestEntityTooLarge = 40005;
}
