namespace EventBot.Discord.Gateway;

/// <summary>Readiness of a process's shards: ready when every shard is (each by <see cref="GatewayHealth"/>'s rule).</summary>
public sealed class ShardedGatewayHealth : IDiscordGatewayHealth
{
    private volatile IReadOnlyList<(int Id, GatewayHealth Health)>? _shards;
    private int _count;

    internal void Started(IReadOnlyList<(int Id, GatewayHealth Health)> shards, int count)
    {
        Volatile.Write(ref _count, count);
        _shards = shards;
    }

    public bool IsReady(out string detail)
    {
        if (_shards is not { } shards)
        {
            detail = "gateway not started yet";
            return false;
        }

        var waiting = new List<string>();
        foreach (var (id, health) in shards)
        {
            if (!health.IsReady(out var shardDetail)) waiting.Add($"shard {id}: {shardDetail}");
        }

        var ids = ShardList.Describe([.. shards.Select(s => s.Id)]);
        var count = Volatile.Read(ref _count);
        if (waiting.Count == 0)
        {
            detail = $"gateway ready (shards {ids} of {count})";
            return true;
        }
        detail = $"gateway not ready: {shards.Count - waiting.Count} of {shards.Count} shard(s) ready (shards {ids} of {count}); {string.Join("; ", waiting)}";
        return false;
    }
}
