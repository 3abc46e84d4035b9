using EventBot.Domain.Common;

namespace EventBot.Domain.Sparkle;

/// <summary>One stream per receiver: every sparkle a user got in a server, whoever gave it.</summary>
public static class SparkleStream
{
    public const string Category = "sparkle";

    public static string For(GuildId guild, UserId target) => StreamIds.For(Category, guild, target.ToString());
}
