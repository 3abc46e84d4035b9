namespace EventBot.Discord;

/// <summary>What a readiness probe asks the gateway, however many shards it runs.</summary>
public interface IDiscordGatewayHealth
{
    /// <summary>True while the gateway can receive; <paramref name="detail"/> is one line for the operator either way.</summary>
    bool IsReady(out string detail);
}
