namespace EventBot.Projections.Feeds;

/// <summary>Where a stream shard has been read up to: the last sequence number the handler applied.</summary>
/// <param name="SequenceNumber">The last applied record's sequence number ("" for a shard finished without any).</param>
/// <param name="ShardFinished">The shard is closed and fully read; its children may proceed.</param>
public sealed record ShardCheckpoint(string StreamArn, string ShardId, string SequenceNumber, bool ShardFinished);

/// <summary>Per-shard checkpoints of the Streams poller (the durable one lives in the views table).</summary>
public interface IShardCheckpointStore
{
    Task<ShardCheckpoint?> GetAsync(string streamArn, string shardId, CancellationToken ct);

    Task SaveAsync(string streamArn, string shardId, string sequenceNumber, bool shardFinished, CancellationToken ct);
}
