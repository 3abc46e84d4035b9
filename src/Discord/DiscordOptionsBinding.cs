using Microsoft.Extensions.Configuration;

namespace EventBot.Discord;

/// <summary>
/// Binds the "Discord" section, reading <c>ShardCount=auto</c> as <see cref="DiscordOptions.AutoShardCount"/> (a plain
/// bind would fail on it) and keeping a configured <c>ShardId</c> meaning "this one shard" when <c>Shards</c> is not set.
/// </summary>
internal static class DiscordOptionsBinding
{
    public static void Bind(IConfigurationSection section, DiscordOptions options)
    {
        var count = section[nameof(DiscordOptions.ShardCount)];
        var auto = count is not null && count.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase);
        IConfiguration source = section;
        if (auto)
        {
            source = new ConfigurationBuilder().AddInMemoryCollection(section.AsEnumerable(makePathsRelative: true)
                .Where(kv => kv.Value is not null && !kv.Key.Equals(nameof(DiscordOptions.ShardCount), StringComparison.OrdinalIgnoreCase)))
                .Build();
        }

        source.Bind(options);
        if (auto) options.ShardCount = DiscordOptions.AutoShardCount;
        if (options.Shards is null && section[nameof(DiscordOptions.ShardId)] is not null)
            options.Shards = options.ShardId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
