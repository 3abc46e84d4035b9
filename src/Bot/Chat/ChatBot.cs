using EventBot.Bot.Parsing;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Chat;

/// <summary>
/// The one entry point every chat adapter calls: parse, send through the mediator pipeline, answer.
/// Adapters only build the <see cref="ChatMessage"/> and deliver the <see cref="Reply"/>.
/// </summary>
public sealed partial class ChatBot(CommandParser parser, IMediator mediator, ILogger<ChatBot> logger)
{
    /// <summary>The reply to send, or null when the message was not for the bot.</summary>
    public async Task<Reply?> HandleAsync(ChatMessage message, CancellationToken ct)
    {
        try
        {
            switch (parser.Parse(message))
            {
                case ParseResult.Ignored:
                    return null;
                case ParseResult.Invalid invalid:
                    return Reply.Of(invalid.Reply);
                case ParseResult.Request request:
                    return await mediator.Send(request.Message, ct) as Reply
                        ?? throw new InvalidOperationException($"{request.Message.GetType().Name} answered no reply.");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var reference = Guid.CreateVersion7().ToString("N")[..12];
            Log.Failed(logger, ex, reference, message.IdempotencyKey, message.Guild?.ToString() ?? "dm");
            return Reply.Of($"Sorry, that failed on my side (error {reference}). Nothing you had saved is lost; try again in a moment.");
        }
        throw new InvalidOperationException("Unknown parse result.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Handling message {MessageId} in guild {GuildId} failed (error {Reference})")]
        public static partial void Failed(ILogger logger, Exception ex, string reference, string messageId, string guildId);
    }
}
