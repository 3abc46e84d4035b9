using EventBot.Bot.Chat;
using EventBot.EventStore.Faults;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Pipeline;

/// <summary>
/// A failure that goes away by itself (<see cref="Failures"/>: throttling, 5xx, a transaction conflict, a timeout, a
/// dropped connection) that is still there after the stores' retries is answered plainly: nothing went wrong with the
/// command, try it again. Deterministic failures pass on (the chat bot answers them with an error reference).
/// </summary>
public sealed partial class TransientFailureBehaviour<TMessage, TResponse>(ILogger<TransientFailureBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public const string TryAgain = "⏳ The database is busy right now and I could not finish that. Please try again in a moment.";

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var chat = (message as IChatRequest)?.Chat;
        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception ex) when (typeof(TResponse) == typeof(Reply) && Failures.Classify(ex, cancellationToken) is var kind && kind != FailureKind.Deterministic)
        {
            Log.GaveUp(logger, ex, typeof(TMessage).Name, kind, chat?.IdempotencyKey ?? "-", chat?.Guild?.ToString() ?? "dm",
                ex.Data[AggregateService.StreamKey] as string ?? "-", ex.Data[AggregateService.VersionKey] as long? ?? 0);
            return (TResponse)(object)Reply.Of(TryAgain);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
            Message = "{Request} of message {MessageId} in guild {GuildId} (stream {StreamId}, expected version {Version}) still failed after retries ({Kind}); the user was asked to try again")]
        public static partial void GaveUp(ILogger logger, Exception ex, string request, FailureKind kind, string messageId, string guildId, string streamId, long version);
    }
}
