using System.Text.Json;

namespace EventBot.Discord.Tests.Fake;

/// <summary>Which shard a gateway connection belongs to, read from what the client sent (sharding tests).</summary>
public static class FakeShards
{
    /// <summary>The <c>shard</c> array of the connection's Identify as (id, count); null when it did not identify.</summary>
    public static (int Id, int Count)? IdentifiedShard(this FakeGatewayConnection connection)
    {
        if (connection.ReceivedOp(2).FirstOrDefault() is not { ValueKind: JsonValueKind.Object } identify) return null;
        var shard = identify.GetProperty("d").GetProperty("shard");
        return (shard[0].GetInt32(), shard[1].GetInt32());
    }

    /// <summary>Identifies received so far, by shard id (several when a shard identified again).</summary>
    public static IReadOnlyList<(int Shard, FakeGatewayConnection Connection)> Identifies(this FakeDiscordServer server) =>
        [.. server.Connections.Where(c => c.IdentifiedShard() is not null).Select(c => (c.IdentifiedShard()!.Value.Id, c))];

    /// <summary>The connection on which <paramref name="shard"/> identified (its first).</summary>
    public static FakeGatewayConnection IdentifyOf(this FakeDiscordServer server, int shard) =>
        server.Identifies().First(i => i.Shard == shard).Connection;

    public static int GatewayBotRequests(this FakeDiscordServer server) =>
        server.Requests.Count(r => r.Path.EndsWith("/gateway/bot", StringComparison.Ordinal));
}
