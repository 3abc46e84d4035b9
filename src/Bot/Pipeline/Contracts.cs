using EventBot.Bot.Chat;

namespace EventBot.Bot.Pipeline;

/// <summary>Every chat request carries the message it came from.</summary>
public interface IChatRequest
{
    ChatMessage Chat { get; }
}

/// <summary>Requests that only make sense inside a server (guild); the pipeline answers DMs for them.</summary>
public interface IGuildScoped : IChatRequest;

/// <summary>Requests with input rules: null when valid, else the reason shown to the user.</summary>
public interface IValidate
{
    string? Validate();
}
