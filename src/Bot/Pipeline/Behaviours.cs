using System.Diagnostics;
using EventBot.Bot.Chat;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Pipeline;

/// <summary>Logs each request's name, outcome and duration; never the message text (it may hold secrets).</summary>
public sealed partial class LoggingBehaviour<TMessage, TResponse>(ILogger<LoggingBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var chat = (message as IChatRequest)?.Chat;
        // Every line logged while handling the request carries its message id and guild as structured fields.
        using var scope = chat is null ? null : logger.BeginScope(new Dictionary<string, object?>
        {
            ["MessageId"] = chat.IdempotencyKey,
            ["GuildId"] = chat.Guild?.ToString() ?? "dm",
        });
        try
        {
            var response = await next(message, cancellationToken);
            Log.Handled(logger, typeof(TMessage).FullName ?? typeof(TMessage).Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.Failed(logger, ex, typeof(TMessage).FullName ?? typeof(TMessage).Name, chat?.IdempotencyKey ?? "-", chat?.Guild?.ToString() ?? "dm",
                ex.Data[AggregateService.StreamKey] as string ?? "-", ex.Data[AggregateService.VersionKey] as long? ?? 0);
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "{Request} handled in {Milliseconds:F1} ms")]
        public static partial void Handled(ILogger logger, string request, double milliseconds);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "{Request} of message {MessageId} in guild {GuildId} (stream {StreamId}, expected version {Version}) failed")]
        public static partial void Failed(ILogger logger, Exception ex, string request, string messageId, string guildId, string streamId, long version);
    }
}

/// <summary>Answers server-only requests sent from a DM, before any handler runs.</summary>
public sealed class GuildScopeBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IGuildScoped { Chat.Guild: null } && typeof(TResponse) == typeof(Reply))
            return ValueTask.FromResult((TResponse)(object)Reply.Of(GuildScope.ServerOnly));
        return next(message, cancellationToken);
    }
}
