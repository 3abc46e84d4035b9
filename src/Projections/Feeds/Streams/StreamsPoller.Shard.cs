using EventBot.DynamoDbStreams;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>
/// Reading one shard: pages from its iterator to the handler, a checkpoint after each applied batch, expired iterators
/// re-acquired from the checkpoint, trimmed data and vanished shards reported.
/// </summary>
public sealed partial class StreamsPoller
{
    async Task<ShardRead> ReadShardAsync(ShardState state, CancellationToken ct)
    {
        var arn = _discovery.StreamArn!;
        var delivered = 0;
        for (var page = 0; page < _options.MaxPagesPerShardPerRound; page++)
        {
            state.Iterator ??= await AcquireIteratorAsync(state, ct);
            if (state.Iterator is null) return new ShardRead(delivered, false, true); // shard vanished

            GetRecordsResult result;
            try
            {
                var iterator = state.Iterator;
                result = await RetryAsync("GetRecords", () => _streams.GetRecordsAsync(iterator, _options.BatchLimit, ct), ct);
            }
            catch (DynamoDbStreamsException e) when (e.Kind == StreamsErrorKind.ExpiredIterator)
            {
                Log.IteratorExpired(_logger, state.Shard.ShardId, state.Checkpoint);
                Metrics.IteratorExpired();
                state.Iterator = null;
                continue;
            }
            catch (DynamoDbStreamsException e) when (e.Kind == StreamsErrorKind.TrimmedDataAccess)
            {
                ReportTrimmed(state, e);
                state.Iterator = await GetIteratorAsync(state, ShardIteratorType.TrimHorizon, null, ct);
                continue;
            }
            catch (DynamoDbStreamsException e) when (e.Kind == StreamsErrorKind.ResourceNotFound)
            {
                ReportGone(state, e);
                return new ShardRead(delivered, false, true);
            }

            if (result.Records.Count > 0)
            {
                var applied = await DeliverAsync(state, result.Records, ct);
                delivered += applied;
                if (applied < result.Records.Count)
                {
                    // Re-read from the checkpoint next round: the failed record comes again.
                    state.Iterator = null;
                    return new ShardRead(delivered, false, false);
                }
            }

            if (result.NextShardIterator is null)
            {
                await RetryAsync("Checkpoint write", () => _checkpoints.SaveAsync(arn, state.Shard.ShardId, state.Checkpoint ?? "", true, ct), ct);
                state.Finished = true;
                state.Iterator = null;
                _discovery.RediscoverSoon(); // a closed shard usually has children we may not know yet
                Log.ShardFinished(_logger, state.Shard.ShardId, state.Checkpoint);
                return new ShardRead(delivered, false, true);
            }
            state.Iterator = result.NextShardIterator;
            if (result.Records.Count == 0) return new ShardRead(delivered, false, true);
        }
        return new ShardRead(delivered, true, false);
    }

    async Task<int> DeliverAsync(ShardState state, IReadOnlyList<StreamRecord> records, CancellationToken ct)
    {
        StreamBatchOutcome outcome;
        try
        {
            outcome = await _handler.HandleAsync(records, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Log.HandlerThrew(_logger, state.Shard.ShardId, records[0].SequenceNumber, e);
            outcome = StreamBatchOutcome.FailedAt(0);
        }

        var applied = outcome.FirstFailedIndex is { } failed ? Math.Clamp(failed, 0, records.Count) : records.Count;
        if (applied > 0)
        {
            var last = records[applied - 1];
            await RetryAsync("Checkpoint write", () => _checkpoints.SaveAsync(_discovery.StreamArn!, state.Shard.ShardId, last.SequenceNumber, false, ct), ct);
            state.Checkpoint = last.SequenceNumber;
            Metrics.Delivered(applied);
            // Once per batch, not per record: the newest creation time among the applied records (null if none has one).
            if (records.Take(applied).Max(r => r.ApproximateCreationDateTime) is { } newest)
            {
                lock (_lagLock)
                {
                    if (_newestRecordTime is null || newest > _newestRecordTime) _newestRecordTime = newest;
                }
            }
        }
        if (applied < records.Count)
        {
            Metrics.HandlerFailed();
            Log.HandlerFailed(_logger, state.Shard.ShardId, applied, records.Count, records[applied].SequenceNumber);
        }
        return applied;
    }

    async Task<string?> AcquireIteratorAsync(ShardState state, CancellationToken ct)
    {
        if (state.Checkpoint is null)
            return await GetIteratorAsync(state, ShardIteratorType.TrimHorizon, null, ct);
        try
        {
            return await GetIteratorAsync(state, ShardIteratorType.AfterSequenceNumber, state.Checkpoint, ct);
        }
        catch (DynamoDbStreamsException e) when (e.Kind == StreamsErrorKind.TrimmedDataAccess)
        {
            ReportTrimmed(state, e);
            return await GetIteratorAsync(state, ShardIteratorType.TrimHorizon, null, ct);
        }
    }

    async Task<string?> GetIteratorAsync(ShardState state, ShardIteratorType type, string? sequenceNumber, CancellationToken ct)
    {
        try
        {
            return await RetryAsync("GetShardIterator",
                () => _streams.GetShardIteratorAsync(_discovery.StreamArn!, state.Shard.ShardId, type, sequenceNumber, ct), ct);
        }
        catch (DynamoDbStreamsException e) when (e.Kind == StreamsErrorKind.ResourceNotFound)
        {
            ReportGone(state, e);
            return null;
        }
    }

    /// <summary>The shard aged out after DescribeStream listed it: whatever it held unread is lost.</summary>
    void ReportGone(ShardState state, DynamoDbStreamsException e)
    {
        Log.ShardGone(_logger, state.Shard.ShardId, state.Checkpoint, e);
        Metrics.Trimmed();
        state.Finished = true;
        state.Iterator = null;
        _discovery.RediscoverSoon();
    }

    void ReportTrimmed(ShardState state, DynamoDbStreamsException e)
    {
        Metrics.Trimmed();
        Log.TrimmedData(_logger, state.Shard.ShardId, _discovery.StreamArn!, state.Checkpoint, e);
    }

    readonly record struct ShardRead(int Delivered, bool MorePending, bool CaughtUp);
}
