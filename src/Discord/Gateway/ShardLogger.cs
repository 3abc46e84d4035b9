using Microsoft.Extensions.Logging;

namespace EventBot.Discord.Gateway;

/// <summary>
/// Puts "[shard 2/4] " in front of every line one shard's client writes, so a process's shards can be told apart in any
/// log sink; the structured values (and event ids) stay exactly those of a single-shard client.
/// </summary>
internal sealed class ShardLogger(ILogger inner, string prefix) : ILogger<DiscordGatewayClient>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, (s, e) => prefix + formatter(s, e));
}
