using System.Collections.Concurrent;

namespace EventBot.Projections.Feeds;

/// <summary>Checkpoints in memory: for tests and throwaway local runs (lost on restart).</summary>
public sealed class InMemoryShardCheckpointStore : IShardCheckpointStore
{
    readonly ConcurrentDictionary<(string StreamArn, string ShardId), ShardCheckpoint> _checkpoints = new();

    public IReadOnlyCollection<ShardCheckpoint> All => _checkpoints.Values.ToList();

    public Task<ShardCheckpoint?> GetAsync(string streamArn, string shardId, CancellationToken ct) =>
        Task.FromResult(_checkpoints.TryGetValue((streamArn, shardId), out var checkpoint) ? checkpoint : null);

    public Task SaveAsync(string streamArn, string shardId, string sequenceNumber, bool shardFinished, CancellationToken ct)
    {
        _checkpoints[(streamArn, shardId)] = new ShardCheckpoint(streamArn, shardId, sequenceNumber, shardFinished);
        return Task.CompletedTask;
    }
}
