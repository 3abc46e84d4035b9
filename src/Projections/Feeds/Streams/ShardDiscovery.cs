using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.DynamoDbStreams;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>How the poller calls the Streams API: its retry and backoff, shared with discovery.</summary>
internal interface IStreamsCaller
{
    Task<T> RetryAsync<T>(string operation, Func<Task<T>> call, CancellationToken ct);
}

/// <summary>
/// The poller's map of the stream: which stream is read (DescribeTable's <c>LatestStreamArn</c>, or the newest of
/// ListStreams), which shards it has (DescribeStream, every page), each shard's checkpoint when first seen, and the
/// order to read them in (every known ancestor first). Shards trimmed away are dropped; a changed stream starts over.
/// </summary>
internal sealed class ShardDiscovery(
    IDynamoDbStreamsClient streams,
    IAmazonDynamoDB? dynamoDb,
    IShardCheckpointStore checkpoints,
    StreamsPollerOptions options,
    TimeProvider time,
    ILogger logger,
    StreamsPollerMetrics metrics,
    IStreamsCaller caller)
{
    readonly Dictionary<string, ShardState> _shards = new(StringComparer.Ordinal);
    DateTimeOffset? _lastDiscovery;
    bool _rediscoverSoon;

    /// <summary>The stream being read, once known.</summary>
    public string? StreamArn { get; private set; }

    /// <summary>A shard closed or vanished: the next round looks for its children first.</summary>
    public bool RediscoveryDue => _rediscoverSoon;

    public void RediscoverSoon() => _rediscoverSoon = true;

    /// <summary>Never discovered, a rediscovery asked for, or <see cref="StreamsPollerOptions.RediscoveryPeriod"/> passed.</summary>
    public bool IsDue(DateTimeOffset now) =>
        StreamArn is null || _rediscoverSoon || _lastDiscovery is null || now - _lastDiscovery >= options.RediscoveryPeriod;

    /// <summary>
    /// Refreshes the shards. Returns the shards seen for the first time at the very first discovery that should start
    /// at LATEST (<see cref="StreamsPollerOptions.StartAtLatest"/>, open, no checkpoint): LATEST is taken then or never.
    /// </summary>
    public async Task<IReadOnlyList<ShardState>> DiscoverAsync(CancellationToken ct)
    {
        var arn = await ResolveStreamArnAsync(ct);
        if (StreamArn is not null && StreamArn != arn)
        {
            StreamsPoller.Log.StreamChanged(logger, StreamArn, arn);
            _shards.Clear();
        }
        StreamArn = arn;

        var shards = await caller.RetryAsync("DescribeStream", () => streams.DescribeAllShardsAsync(arn, ct), ct);
        var current = shards.Select(s => s.ShardId).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _shards.Values.Where(s => !current.Contains(s.Shard.ShardId)).ToList())
        {
            // Trimmed away after 24 h; its children no longer wait for it. Unread records in it are lost.
            _shards.Remove(gone.Shard.ShardId);
            if (!gone.Finished)
            {
                StreamsPoller.Log.ShardGone(logger, gone.Shard.ShardId, gone.Checkpoint, null);
                metrics.Trimmed();
            }
        }

        var first = _lastDiscovery is null;
        var added = 0;
        var fromLatest = new List<ShardState>();
        foreach (var shard in shards)
        {
            if (_shards.TryGetValue(shard.ShardId, out var known))
            {
                known.Shard = shard;
                continue;
            }
            var checkpoint = await caller.RetryAsync("Checkpoint read", () => checkpoints.GetAsync(arn, shard.ShardId, ct), ct);
            var latest = first && options.StartAtLatest && checkpoint is null;
            var state = new ShardState(shard)
            {
                Checkpoint = checkpoint?.SequenceNumber is { Length: > 0 } sequence ? sequence : null,
                // Following from now: a shard closed before the start holds nothing newer.
                Finished = checkpoint?.ShardFinished ?? (latest && shard.IsClosed),
            };
            _shards[shard.ShardId] = state;
            added++;
            if (latest && !shard.IsClosed) fromLatest.Add(state);
        }
        _lastDiscovery = time.GetUtcNow();
        _rediscoverSoon = false;
        if (added > 0) StreamsPoller.Log.ShardsDiscovered(logger, added, _shards.Count, arn);
        return fromLatest;
    }

    async Task<string> ResolveStreamArnAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(options.StreamArn)) return options.StreamArn;
        var table = options.TableName!;
        if (dynamoDb is not null)
        {
            var described = await caller.RetryAsync("DescribeTable", () => dynamoDb.DescribeTableAsync(new DescribeTableRequest { TableName = table }, ct), ct);
            return described.Table.LatestStreamArn
                ?? throw new InvalidOperationException($"Table {table} has no stream: enable Streams (NEW_IMAGE) on it.");
        }

        // Without a DynamoDB client: the newest stream of the table (labels are ISO timestamps).
        var found = new List<StreamSummary>();
        string? start = null;
        do
        {
            var page = await caller.RetryAsync("ListStreams", () => streams.ListStreamsAsync(table, start, null, ct), ct);
            found.AddRange(page.Streams);
            start = page.LastEvaluatedStreamArn;
        }
        while (start is not null);
        return found.OrderByDescending(s => s.StreamLabel, StringComparer.Ordinal).Select(s => s.StreamArn).FirstOrDefault()
            ?? throw new InvalidOperationException($"Table {table} has no stream: enable Streams (NEW_IMAGE) on it.");
    }

    public bool ParentFinished(ShardState shard) =>
        shard.Shard.ParentShardId is not { } parent || !_shards.TryGetValue(parent, out var p) || p.Finished;

    /// <summary>Shards with every known ancestor before them, so a parent finished in a round frees its children in the same round.</summary>
    public List<ShardState> InLineageOrder()
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
}

/// <summary>What the poller knows of one shard: its last checkpoint, its iterator, whether it is read to its end.</summary>
internal sealed class ShardState(StreamShard shard)
{
    public StreamShard Shard { get; set; } = shard;

    public string? Checkpoint { get; set; }

    public string? Iterator { get; set; }

    public bool Finished { get; set; }
}
