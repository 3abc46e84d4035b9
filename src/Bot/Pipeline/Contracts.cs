using EventBot.Bot.Chat;

namespace EventBot.Bot.Pipeline;

/// <summary>Every chat request carries the message it came from.</summary>
public interface IChatRequest
{
    ChatMessage Chat { get; }
}

/// <summary>Requests that only make sense inside a server (guild); the pipeline answers DMs for them.</summary>
public interface IGuildScoped : IChatRequest;

public static class GuildScope
{
    /// <summary>The answer to a server-only request sent from a DM.</summary>
    public const string ServerOnly = "Use this in a server: remembered values, sparkles and games belong to a server.";
}
