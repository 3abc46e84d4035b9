using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Feeds.Streams;

public sealed partial class StreamsPoller
{
    internal static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Streams poller knows {Added} new shard(s), {Total} in all, on {StreamArn}")]
        public static partial void ShardsDiscovered(ILogger logger, int added, int total, string streamArn);

        [LoggerMessage(2, LogLevel.Error,
            "TRIMMED DATA on shard {ShardId} of {StreamArn}: records after checkpoint {Checkpoint} expired before they were read and are lost to the projector; continuing from TRIM_HORIZON. Rebuild the read models from the event store.")]
        public static partial void TrimmedData(ILogger logger, string shardId, string streamArn, string? checkpoint, Exception exception);

        [LoggerMessage(3, LogLevel.Information, "Shard iterator of {ShardId} expired; re-acquiring after checkpoint {Checkpoint}")]
        public static partial void IteratorExpired(ILogger logger, string shardId, string? checkpoint);

        [LoggerMessage(4, LogLevel.Warning,
            "Handler applied {Applied} of {Count} record(s) on shard {ShardId}; record {SequenceNumber} will be delivered again")]
        public static partial void HandlerFailed(ILogger logger, string shardId, int applied, int count, string sequenceNumber);

        [LoggerMessage(5, LogLevel.Error, "Handler threw on shard {ShardId} at record {SequenceNumber}; the batch will be delivered again")]
        public static partial void HandlerThrew(ILogger logger, string shardId, string sequenceNumber, Exception exception);

        [LoggerMessage(6, LogLevel.Warning, "Streams poller: {Operation} failed (attempt {Attempt}); retrying in {Delay}: {Reason}")]
        public static partial void Retrying(ILogger logger, string operation, int attempt, TimeSpan delay, string reason);

        [LoggerMessage(7, LogLevel.Information, "Shard {ShardId} is closed and fully read (last {Checkpoint})")]
        public static partial void ShardFinished(ILogger logger, string shardId, string? checkpoint);

        [LoggerMessage(8, LogLevel.Error, "Shard {ShardId} no longer exists (checkpoint {Checkpoint}); anything unread in it is lost")]
        public static partial void ShardGone(ILogger logger, string shardId, string? checkpoint, Exception? exception);

        // Throttling and 5xx are handled (retried next round): the reason, not a stack trace, unless debugging.
        public static void RoundGaveUp(ILogger logger, string step, string reason, Exception exception)
        {
            RoundGaveUpWarning(logger, step, reason);
            RoundGaveUpDetail(logger, exception, step);
        }

        [LoggerMessage(9, LogLevel.Error, "{Step} still failing ({Reason}) after retries; trying again next round")]
        public static partial void RoundGaveUpWarning(ILogger logger, string step, string reason);

        [LoggerMessage(11, LogLevel.Debug, "{Step}: the failure that made the round give up")]
        public static partial void RoundGaveUpDetail(ILogger logger, Exception exception, string step);

        [LoggerMessage(10, LogLevel.Warning, "The table's stream changed from {Old} to {New}; reading the new one from its start")]
        public static partial void StreamChanged(ILogger logger, string old, string @new);
    }
}
