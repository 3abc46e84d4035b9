using System.Diagnostics.Metrics;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using EventBot.DynamoDbStreams;
using EventBot.EventStore.Faults;

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
/// <item>Throttling and 5xx answers are retried with exponential backoff and full jitter.</item>
/// <item>A shard whose NextShardIterator is null is closed and fully read: it is checkpointed as finished.</item>
/// <item>Shards ready at the same time are read side by side (<see cref="StreamsPollerOptions.MaxShardsInParallel"/>),
/// so the handler gets batches of different shards at once; each shard's batches still come one after the other.</item>
/// </list>
/// One instance must be driven by one caller at a time (<see cref="StreamsPollerService"/>).
/// </remarks>
public sealed partial class StreamsPoller : IDisposable, IStreamsCaller
{
    readonly IDynamoDbStreamsClient _streams;
    readonly IStreamBatchHandler _handler;
    readonly IShardCheckpointStore _checkpoints;
    readonly StreamsPollerOptions _options;
    readonly TimeProvider _time;
    readonly ILogger _logger;
    readonly TransientRetry _retry;

    readonly ShardDiscovery _discovery;
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
        _discovery = new ShardDiscovery(streams, dynamoDb, checkpoints, _options, time, logger, Metrics, this);
    }

    public StreamsPollerMetrics Metrics { get; }

    /// <summary>The stream being read, once known.</summary>
    public string? StreamArn => _discovery.StreamArn;

    /// <summary>A shard closed in the last round: the next round looks for its children first.</summary>
    public bool RediscoveryDue => _discovery.RediscoveryDue;

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
        if (_discovery.IsDue(_time.GetUtcNow()))
        {
            try
            {
                await DiscoverAsync(ct);
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                // Retries were exhausted: keep the shards we know and try again next round.
                Log.RoundGaveUp(_logger, "Shard discovery", Reason(e), e);
                if (_discovery.StreamArn is null) return new StreamsPollResult(0, false);
            }
        }

        var delivered = 0;
        var morePending = false;
        var behind = 0;
        // Waves: every shard ready now (its parent finished or unknown) is read side by side, up to MaxShardsInParallel at
        // once; a parent finished in a wave frees its children for the next wave of the same round.
        var visited = new HashSet<ShardState>();
        var gaveUp = false;
        while (!gaveUp)
        {
            var ready = _discovery.InLineageOrder().Where(s => !s.Finished && _discovery.ParentFinished(s) && visited.Add(s)).ToList();
            if (ready.Count == 0) break;
            var reads = new ShardRead?[ready.Count];
            if (ready.Count == 1) reads[0] = await TryReadShardAsync(ready[0], ct);
            else await Parallel.ForEachAsync(Enumerable.Range(0, ready.Count),
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxShardsInParallel, CancellationToken = ct },
                async (i, token) => reads[i] = await TryReadShardAsync(ready[i], token));
            foreach (var read in reads)
            {
                if (read is not { } r)
                {
                    behind++;
                    gaveUp = true; // retries ran out: no next wave, the next round starts over
                    continue;
                }
                delivered += r.Delivered;
                if (r.MorePending)
                {
                    morePending = true;
                    behind++;
                }
                else if (!r.CaughtUp)
                {
                    behind++;
                }
            }
        }
        lock (_lagLock)
        {
            _shardsBehind = behind;
            _polledOnce = true;
        }
        return new StreamsPollResult(delivered, morePending);
    }

    /// <summary>One shard's read; null when its retries ran out (its iterator is dropped: the next round reads from the checkpoint).</summary>
    async Task<ShardRead?> TryReadShardAsync(ShardState shard, CancellationToken ct)
    {
        try
        {
            return await ReadShardAsync(shard, ct);
        }
        catch (Exception e) when (IsTransient(e, ct))
        {
            Log.RoundGaveUp(_logger, "Reading shard " + shard.Shard.ShardId, Reason(e), e);
            shard.Iterator = null; // next round: from the checkpoint, whatever step failed
            return null;
        }
    }

    async Task DiscoverAsync(CancellationToken ct)
    {
        foreach (var state in await _discovery.DiscoverAsync(ct))
        {
            // LATEST is taken here, at the start, or never: taken later it would skip what came in between. A shard
            // whose LATEST iterator cannot be had now is read from TRIM_HORIZON instead (more records, none missed).
            try
            {
                state.Iterator = await GetIteratorAsync(state, ShardIteratorType.Latest, null, ct);
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                Log.RoundGaveUp(_logger, "LATEST iterator of " + state.Shard.ShardId, Reason(e), e);
            }
        }
    }

    Task<T> IStreamsCaller.RetryAsync<T>(string operation, Func<Task<T>> call, CancellationToken ct) => RetryAsync(operation, call, ct);

    Task<T> RetryAsync<T>(string operation, Func<Task<T>> call, CancellationToken ct) => _retry.RunAsync(operation, _ => call(), ct);

    Task RetryAsync(string operation, Func<Task> call, CancellationToken ct) => _retry.RunAsync(operation, _ => call(), ct);

    static string Reason(Exception e) => e is DynamoDbStreamsException s ? s.Kind.ToString() : Failures.Classify(e) + " " + e.GetType().Name;

    static bool IsTransient(Exception e, CancellationToken ct) => Failures.IsTransient(e, ct);

    public void Dispose() => Metrics.Dispose();
}
