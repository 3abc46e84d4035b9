using EventBot.EventStore.Faults;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Hosting;

/// <summary>The DynamoDB retry policy of a host, logging each retry.</summary>
public static partial class DynamoDbRetryLog
{
    public static TransientRetry Policy(TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("EventBot.DynamoDb.Retry");
        return new TransientRetry(new RetrySettings(), time)
        {
            OnRetry = (operation, attempt, delay, e) => Retrying(logger, operation, attempt, Failures.Classify(e), delay.TotalMilliseconds),
        };
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "DynamoDB {Operation} failed ({Kind}); retry {Attempt} in {DelayMs:F0} ms")]
    private static partial void Retrying(ILogger logger, string operation, int attempt, FailureKind kind, double delayMs);
}
