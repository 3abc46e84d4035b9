using EventBot.Domain.Common;

namespace EventBot.Domain.Remember;

public static class RememberStream
{
    public const string Category = "remember";

    public static string For(GuildId guild, MemoryKey key) => StreamIds.For(Category, guild, key.Normalized);
}
