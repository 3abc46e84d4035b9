using System.Diagnostics.Metrics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.Faults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>The outcome of one polling round.</summary>
/// <param name="RecordsDelivered">Records the handler applied in this round.</param>
/// <param name="MorePending">Some shard stopped at its page cap with records left: poll again without waiting.</param>
public sealed record StreamsPollResult(int RecordsDelivered, bool MorePending);

/// <summary>
/// Reads the events table's DynamoDB stream and hands each shard's records, in order, to an
/// <see cref="IStreamBatchHandler"/>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Parents are drained before their children: a shard waits while its parent is known and not finished.</item>
/// <item>A shard's checkpoint is written only after the handler applied the records up to it; reading resumes
/// AFTER_SEQUENCE_NUMBER of the checkpoint (TRIM_HORIZON when there is none).</item>
/// <item>When the handler fails at record i, records before i are checkpointed and the shard is re-read from the
/// checkpoint in the next round, so record i comes again.</item>
/// <item>Expired iterators are re-acquired from the checkpoint. TrimmedDataAccessException means records were lost:
/// it is logged as an error, counted, and reading continues from TRIM_HORIZON.</item>
/// <item>Transient failures (<see cref="Failures"/>: throttling, 5xx, timeouts, dropped connections) of every call,
/// Streams, DescribeTable and checkpoints alike, are retried by one <see cref="TransientRetry"/> (exponential backoff, full
/// jitter, on the <see cref="TimeProvider"/>); once its budget is spent the round gives up and the next round starts
/// over from the checkpoints. They never escape <see cref="PollOnceAsync"/>.</item>
/// <item>A shard whose NextShardIterator is null is closed and fully read: it is checkpointed as finished.</item>
/// </list>
/// One instance must be driven by one caller at a time (<see cref="StreamsPollerService"/>).
/// </remarks>
public sealed partial class StreamsPoller : IDisposable
{
    readonly IDynamoDbStreamsClient _streams;
    readonly IAmazonDynamoDB? _dynamoDb;
    readonly IStreamBatchHandler _handler;
    readonly IShardCheckpointStore _checkpoints;
    readonly StreamsPollerOptions _options;
    readonly TimeProvider _time;
    readonly ILogger _logger;
    readonly TransientRetry _retry;

    readonly Dictionary<string, ShardState> _shards = new(StringComparer.Ordinal);
    string? _streamArn;
    DateTimeOffset? _lastDiscovery;
    bool _rediscoverSoon;
    // Lag is read by the metrics gauge on another thread.
    readonly Lock _lagLock = new();
    DateTimeOffset? _newestRecordTime;
    int _shardsBehind;
    bool _polledOnce;

    /// <param name="dynamoDb">For DescribeTable's LatestStreamArn; when null the stream is found with ListStreams.</param>
    /// <param name="meterFactory">Publishes <see cref="Metrics"/>; null: a meter of its own.</param>
    /// <param name="jitter">Randomness for backoff jitter; tests pass a seeded one.</param>
    public StreamsPoller(
        IDynamoDbStreamsClient streams,
        IStreamBatchHandler handler,
        IShardCheckpointStore checkpoints,
        IOptions<StreamsPollerOptions> options,
        TimeProvider time,
        ILogger<StreamsPoller> logger,
        IAmazonDynamoDB? dynamoDb = null,
        IMeterFactory? meterFactory = null,
        Random? jitter = null)
    {
        _streams = streams;
        _dynamoDb = dynamoDb;
        _handler = handler;
        _checkpoints = checkpoints;
        _options = options.Value;
        var validation = new StreamsPollerOptionsValidator().Validate(null, _options);
        if (validation.Failed)
            throw new OptionsValidationException(nameof(StreamsPollerOptions), typeof(StreamsPollerOptions), validation.Failures);
        _time = time;
        _logger = logger;
        Metrics = new StreamsPollerMetrics(meterFactory, () => Lag);
        _retry = new TransientRetry(new RetrySettings(_options.MaxRetries, _options.InitialBackoff, _options.MaxBackoff), time, jitter ?? Random.Shared)
        {
            OnRetry = (operation, attempt, delay, e) =>
            {
                Metrics.Retried();
                Log.Retrying(_logger, operation, attempt, delay, e.Message);
            },
        };
    }

    public StreamsPollerMetrics Metrics { get; }

    /// <summary>The stream being read, once known.</summary>
    public string? StreamArn => _streamArn;

    /// <summary>A shard closed in the last round: the next round looks for its children first.</summary>
    public bool RediscoveryDue => _rediscoverSoon;

    /// <summary>How far behind the stream the handler is (see <see cref="StreamsLag"/>).</summary>
    public StreamsLag Lag
    {
        get
        {
            lock (_lagLock) return ComputeLag();
        }
    }

    StreamsLag ComputeLag()
    {
        if (!_polledOnce) return new StreamsLag(_newestRecordTime, null, 0);
        if (_shardsBehind == 0) return new StreamsLag(_newestRecordTime, TimeSpan.Zero, 0);
        var behind = _newestRecordTime is { } newest ? _time.GetUtcNow() - newest : (TimeSpan?)null;
        return new StreamsLag(_newestRecordTime, behind is { } b && b < TimeSpan.Zero ? TimeSpan.Zero : behind, _shardsBehind);
    }

    /// <summary>One round: rediscover shards when due, then read every ready shard up to its page cap.</summary>
    public async Task<StreamsPollResult> PollOnceAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_streamArn is null || _rediscoverSoon || _lastDiscovery is null || now - _lastDiscovery >= _options.RediscoveryPeriod)
        {
            try
            {
                await DiscoverAsync(ct);
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                // Retries were exhausted: keep the shards we know and try again next round.
                Log.RoundGaveUp(_logger, "Shard discovery", Reason(e), e);
                if (_streamArn is null) return new StreamsPollResult(0, false);
            }
        }

        var delivered = 0;
        var morePending = false;
        var behind = 0;
        foreach (var shard in InLineageOrder())
        {
            if (shard.Finished || !ParentFinished(shard)) continue;
            try
            {
                var read = await ReadShardAsync(shard, ct);
                delivered += read.Delivered;
                if (read.MorePending)
                {
                    morePending = true;
                    behind++;
                }
                else if (!read.CaughtUp)
                {
                    behind++;
                }
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                Log.RoundGaveUp(_logger, "Reading shard " + shard.Shard.ShardId, Reason(e), e);
                shard.Iterator = null; // next round: from the checkpoint, whatever step failed
                behind++;
                break;
            }
        }
        lock (_lagLock)
        {
            _shardsBehind = behind;
            _polledOnce = true;
        }
        return new StreamsPollResult(delivered, morePending);
    }

    async Task DiscoverAsync(CancellationToken ct)
    {
        var arn = await ResolveStreamArnAsync(ct);
        if (_streamArn is not null && _streamArn != arn)
        {
            Log.StreamChanged(_logger, _streamArn, arn);
            _shards.Clear();
        }
        _streamArn = arn;

        var shards = await RetryAsync("DescribeStream", () => _streams.DescribeAllShardsAsync(arn, ct), ct);
        var current = shards.Select(s => s.ShardId).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _shards.Values.Where(s => !current.Contains(s.Shard.ShardId)).ToList())
        {
            // Trimmed away after 24 h; its children no longer wait for it. Unread records in it are lost.
            _shards.Remove(gone.Shard.ShardId);
            if (!gone.Finished)
            {
                Log.ShardGone(_logger, gone.Shard.ShardId, gone.Checkpoint, null);
                Metrics.Trimmed();
            }
        }

        var first = _lastDiscovery is null;
        var added = 0;
        foreach (var shard in shards)
        {
            if (_shards.TryGetValue(shard.ShardId, out var known))
            {
                known.Shard = shard;
                continue;
            }
            var checkpoint = await RetryAsync("Checkpoint read", () => _checkpoints.GetAsync(arn, shard.ShardId, ct), ct);
            var fromLatest = first && _options.StartAtLatest && checkpoint is null;
            var state = new ShardState(shard)
            {
                Checkpoint = checkpoint?.SequenceNumber is { Length: > 0 } sequence ? sequence : null,
                // Following from now: a shard closed before the start holds nothing newer.
                Finished = checkpoint?.ShardFinished ?? (fromLatest && shard.IsClosed),
            };
            _shards[shard.ShardId] = state;
            added++;
            // LATEST is taken here, at the start, or never: taken later it would skip what came in between. A shard
            // whose LATEST iterator cannot be had now is read from TRIM_HORIZON instead (more records, none missed).
            if (fromLatest && !shard.IsClosed)
            {
                try
                {
                    state.Iterator = await GetIteratorAsync(state, ShardIteratorType.Latest, null, ct);
                }
                catch (Exception e) when (IsTransient(e, ct))
                {
                    Log.RoundGaveUp(_logger, "LATEST iterator of " + shard.ShardId, Reason(e), e);
                }
            }
        }
        _lastDiscovery = _time.GetUtcNow();
        _rediscoverSoon = false;
        if (added > 0) Log.ShardsDiscovered(_logger, added, _shards.Count, arn);
    }

    async Task<string> ResolveStreamArnAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(_options.StreamArn)) return _options.StreamArn;
        var table = _options.TableName!;
        if (_dynamoDb is not null)
        {
            var described = await RetryAsync("DescribeTable", () => _dynamoDb.DescribeTableAsync(new DescribeTableRequest { TableName = table }, ct), ct);
            return described.Table.LatestStreamArn
                ?? throw new InvalidOperationException($"Table {table} has no stream: enable Streams (NEW_IMAGE) on it.");
        }

        // Without a DynamoDB client: the newest stream of the table (labels are ISO timestamps).
        var streams = new List<StreamSummary>();
        string? start = null;
        do
        {
            var page = await RetryAsync("ListStreams", () => _streams.ListStreamsAsync(table, start, null, ct), ct);
            streams.AddRange(page.Streams);
            start = page.LastEvaluatedStreamArn;
        }
        while (start is not null);
        return streams.OrderByDescending(s => s.StreamLabel, StringComparer.Ordinal).Select(s => s.StreamArn).FirstOrDefault()
            ?? throw new InvalidOperationException($"Table {table} has no stream: enable Streams (NEW_IMAGE) on it.");
    }

    async Task<ShardRead> ReadShardAsync(ShardState state, CancellationToken ct)
    {
        var arn = _streamArn!;
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
                _rediscoverSoon = true; // a closed shard usually has children we may not know yet
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
            await RetryAsync("Checkpoint write", () => _checkpoints.SaveAsync(_streamArn!, state.Shard.ShardId, last.SequenceNumber, false, ct), ct);
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
                () => _streams.GetShardIteratorAsync(_streamArn!, state.Shard.ShardId, type, sequenceNumber, ct), ct);
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
        _rediscoverSoon = true;
    }

    void ReportTrimmed(ShardState state, DynamoDbStreamsException e)
    {
        Metrics.Trimmed();
        Log.TrimmedData(_logger, state.Shard.ShardId, _streamArn!, state.Checkpoint, e);
    }

    Task<T> RetryAsync<T>(string operation, Func<Task<T>> call, CancellationToken ct) => _retry.RunAsync(operation, _ => call(), ct);

    Task RetryAsync(string operation, Func<Task> call, CancellationToken ct) => _retry.RunAsync(operation, _ => call(), ct);

    static string Reason(Exception e) => e is DynamoDbStreamsException s ? s.Kind.ToString() : Failures.Classify(e) + " " + e.GetType().Name;

    static bool IsTransient(Exception e, CancellationToken ct) => Failures.IsTransient(e, ct);

    bool ParentFinished(ShardState shard) =>
        shard.Shard.ParentShardId is not { } parent || !_shards.TryGetValue(parent, out var p) || p.Finished;

    /// <summary>Shards with every known ancestor before them, so a parent finished in a round frees its children in the same round.</summary>
    List<ShardState> InLineageOrder()
    {
        var ordered = new List<ShardState>(_shards.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        void Place(ShardState s, int depth)
        {
            if (placed.Contains(s.Shard.ShardId) || depth > _shards.Count) return;
            if (s.Shard.ParentShardId is { } parent && _shards.TryGetValue(parent, out var p)) Place(p, depth + 1);
            if (placed.Add(s.Shard.ShardId)) ordered.Add(s);
        }
        foreach (var shard in _shards.Values.OrderBy(s => s.Shard.ShardId, StringComparer.Ordinal)) Place(shard, 0);
        return ordered;
    }

    public void Dispose() => Metrics.Dispose();

    sealed class ShardState(StreamShard shard)
    {
        public StreamShard Shard { get; set; } = shard;

        public string? Checkpoint { get; set; }

        public string? Iterator { get; set; }

        public bool Finished { get; set; }
    }

    readonly record struct ShardRead(int Delivered, bool MorePending, bool CaughtUp);

    static partial class Log
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

        [LoggerMessage(9, LogLevel.Error, "{Step} still failing ({Reason}) after retries; trying again next round")]
        public static partial void RoundGaveUp(ILogger logger, string step, string reason, Exception exception);

        [LoggerMessage(10, LogLevel.Warning, "The table's stream changed from {Old} to {New}; reading the new one from its start")]
        public static partial void StreamChanged(ILogger logger, string old, string @new);
    }
}
