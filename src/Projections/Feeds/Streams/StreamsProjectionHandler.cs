using EventBot.EventStore;
using EventBot.EventStore.Faults;
using EventBot.Projections.Core;
using Microsoft.Extensions.Logging;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>Counts of what a stream batch held; exposed for status and tests.</summary>
public sealed class StreamFeedCounters
{
    private long _applied;
    private long _skippedRemoves;
    private long _skippedForeign;

    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>REMOVE records (TTL deletes and the like): never events, since events are never deleted.</summary>
    public long SkippedRemoves => Interlocked.Read(ref _skippedRemoves);

    /// <summary>Items that are not EventBot events: idempotency markers, foreign items in a shared table.</summary>
    public long SkippedForeign => Interlocked.Read(ref _skippedForeign);

    internal void AddApplied(long n) => Interlocked.Add(ref _applied, n);

    internal void AddRemove() => Interlocked.Increment(ref _skippedRemoves);

    internal void AddForeign() => Interlocked.Increment(ref _skippedForeign);
}

/// <summary>
/// Turns DynamoDB Streams records into envelopes for the projector core. Shared by the in-process poller and the
/// Lambda handler, so both apply the same rule. Records that are not EventBot events are skipped and counted.
/// </summary>
/// <remarks>
/// A batch's servers are applied side by side (at most <see cref="MaxGuildsInParallel"/> at once), each server's events
/// in stream order: every read-model row belongs to one server, so they touch different rows, and one slow row write
/// (a round trip or two per row) no longer holds up every other server's events behind it. When a server's events fail
/// at some record, the batch is answered as failed at the earliest failed record of the batch; events of other servers
/// after it may already be applied, and come again as duplicates the rows skip (their applied versions). Batches of one
/// server, with a malformed record (dead-lettered in place) or with an erasure (which re-projects across rows) are
/// applied one record after the other, as before.
/// </remarks>
public sealed partial class StreamsProjectionHandler(ProjectorCore core, StreamFeedCounters counters, ILogger<StreamsProjectionHandler> logger)
    : IStreamBatchHandler
{
    /// <summary>How many servers of one batch are applied at once. Default 8; 1 applies the batch in order, one record after the other.</summary>
    public int MaxGuildsInParallel { get; init; } = 8;

    public async Task<StreamBatchOutcome> HandleAsync(IReadOnlyList<StreamRecord> records, CancellationToken ct)
    {
        if (MaxGuildsInParallel > 1 && ByGuild(records) is { Count: > 1 } guilds)
            return await HandleGuildsInParallelAsync(guilds, ct);
        return await HandleInOrderAsync(records, ct);
    }

    /// <summary>
    /// The batch's events per server, in order, with each event's index in the batch (REMOVE and foreign records skipped
    /// and counted); null when the batch is applied in order: one server only, a malformed record, an erasure.
    /// </summary>
    private List<(List<EventEnvelope> Events, List<int> Indexes)>? ByGuild(IReadOnlyList<StreamRecord> records)
    {
        var guilds = new Dictionary<string, (List<EventEnvelope> Events, List<int> Indexes)>(StringComparer.Ordinal);
        int removes = 0, foreign = 0;
        for (var i = 0; i < records.Count; i++)
        {
            switch (StreamRecordEvents.Read(records[i], out var envelope, out _))
            {
                case StreamRecordKind.Remove:
                    removes++;
                    continue;
                case StreamRecordKind.Foreign:
                    foreign++;
                    continue;
                case StreamRecordKind.Malformed:
                    return null;
            }
            if (core.Erasures is { } erasures && erasures.Handles(envelope!.Type)) return null;
            if (!guilds.TryGetValue(envelope!.GuildId, out var guild)) guilds[envelope.GuildId] = guild = ([], []);
            guild.Events.Add(envelope);
            guild.Indexes.Add(i);
        }
        if (guilds.Count < 2) return null;
        // Counted here, once the batch is known to go this way (the in-order path counts its own).
        for (var r = 0; r < removes; r++) counters.AddRemove();
        for (var f = 0; f < foreign; f++) counters.AddForeign();
        return [.. guilds.Values];
    }

    private async Task<StreamBatchOutcome> HandleGuildsInParallelAsync(List<(List<EventEnvelope> Events, List<int> Indexes)> guilds, CancellationToken ct)
    {
        var results = new ProjectionBatchResult[guilds.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, guilds.Count), new ParallelOptions { MaxDegreeOfParallelism = MaxGuildsInParallel, CancellationToken = ct },
            async (g, token) => results[g] = await core.ProjectAsync(guilds[g].Events, token));
        int? firstFailed = null;
        Exception? error = null;
        for (var g = 0; g < guilds.Count; g++)
        {
            var (events, indexes) = guilds[g];
            var failed = results[g].FirstFailedIndex;
            counters.AddApplied(failed ?? events.Count);
            if (failed is { } f && (firstFailed is null || indexes[f] < firstFailed))
            {
                firstFailed = indexes[f];
                error = results[g].Error;
            }
        }
        return firstFailed is { } at ? StreamBatchOutcome.FailedAt(at, error) : StreamBatchOutcome.Success;
    }

    private async Task<StreamBatchOutcome> HandleInOrderAsync(IReadOnlyList<StreamRecord> records, CancellationToken ct)
    {
        var envelopes = new List<EventEnvelope>(records.Count);
        var recordIndex = new List<int>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            switch (StreamRecordEvents.Read(records[i], out var envelope, out var error))
            {
                case StreamRecordKind.Remove:
                    counters.AddRemove();
                    continue;
                case StreamRecordKind.Foreign:
                    counters.AddForeign();
                    continue;
                case StreamRecordKind.Malformed:
                    // It looked like an event but is malformed: never guess. Apply what came before it, then count it as
                    // a dead letter of its own, by sequence number, so it cannot wedge the shard: once given up on (skip)
                    // the batch goes on past it.
                    var earlier = await core.ProjectAsync(envelopes, ct);
                    counters.AddApplied(earlier.FirstFailedIndex ?? envelopes.Count);
                    if (earlier.FirstFailedIndex is { } f) return StreamBatchOutcome.FailedAt(recordIndex[f], earlier.Error);
                    envelopes.Clear();
                    recordIndex.Clear();
                    if (!await GiveUpOnMalformedAsync(records[i], error!, ct)) return StreamBatchOutcome.FailedAt(i, error);
                    continue;
            }
            envelopes.Add(envelope!);
            recordIndex.Add(i);
        }

        var result = await core.ProjectAsync(envelopes, ct);
        if (result.FirstFailedIndex is { } failed)
        {
            counters.AddApplied(failed);
            return StreamBatchOutcome.FailedAt(recordIndex[failed], result.Error);
        }
        counters.AddApplied(envelopes.Count);
        return StreamBatchOutcome.Success;
    }

    /// <summary>The dead-letter stream id of an unreadable record: its sequence number, the one id it surely has.</summary>
    public static string MalformedStreamId(string sequenceNumber) => "stream-record/" + sequenceNumber;

    /// <summary>Counts one failure of an unreadable record; true when it is now skipped (the policy gave up on it).</summary>
    private async Task<bool> GiveUpOnMalformedAsync(StreamRecord record, Exception error, CancellationToken ct)
    {
        var stream = record.Keys.TryGetValue(EventBot.EventStore.DynamoDb.EventBotTables.StreamId, out var s) ? s.S ?? "?" : "?";
        var version = record.Keys.TryGetValue(EventBot.EventStore.DynamoDb.EventBotTables.Version, out var v) ? v.N ?? "?" : "?";
        Log.Unreadable(logger, error, record.SequenceNumber, stream, version);
        if (core.DeadLetters is not { } letters) return false;
        var envelope = new EventEnvelope(MalformedStreamId(record.SequenceNumber), 0, Guid.Empty, "(unreadable stream record)", 0, "",
            "", "", "", record.SequenceNumber, record.ApproximateCreationDateTime ?? DateTimeOffset.UnixEpoch);
        try
        {
            var letter = await letters.RecordFailureAsync(envelope, null, error, core.DeadLetterPolicy, ct);
            if (letter.Status != DeadLetterStatus.Skipped) return false;
            Log.MalformedSkipped(logger, record.SequenceNumber, stream, version, letter.Attempts);
            return true;
        }
        catch (Exception e) when (Failures.IsTransient(e, ct))
        {
            return false; // counted when the record comes again
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Stream record {SequenceNumber} (stream {StreamId}, version {Version}) looks like an event but cannot be read")]
        public static partial void Unreadable(ILogger logger, Exception ex, string sequenceNumber, string streamId, string version);

        [LoggerMessage(EventId = 2302, Level = LogLevel.Warning,
            Message = "Dead letter: skipped unreadable stream record {SequenceNumber} (stream {StreamId}, version {Version}) after {Attempts} attempts; see `projections errors`")]
        public static partial void MalformedSkipped(ILogger logger, string sequenceNumber, string streamId, string version, int attempts);
    }
}

/// <summary>Durable per-shard checkpoints in the view store (the views table on DynamoDB).</summary>
public sealed class ViewStoreShardCheckpoints(IViewStore views) : IShardCheckpointStore
{
    private static string Name(string streamArn, string shardId) => $"checkpoint/streams/{streamArn}/{shardId}";

    public async Task<ShardCheckpoint?> GetAsync(string streamArn, string shardId, CancellationToken ct)
    {
        var stored = await views.GetValueAsync(Name(streamArn, shardId), ct);
        if (stored is null) return null;
        var parts = stored.Split('|');
        return new ShardCheckpoint(streamArn, shardId, parts[0], parts.Length > 1 && parts[1] == "finished");
    }

    public Task SaveAsync(string streamArn, string shardId, string sequenceNumber, bool shardFinished, CancellationToken ct) =>
        views.SetValueAsync(Name(streamArn, shardId), shardFinished ? $"{sequenceNumber}|finished" : sequenceNumber, ct);
}
