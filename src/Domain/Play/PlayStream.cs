using EventBot.Domain.Common;

namespace EventBot.Domain.Play;

/// <summary>One stream per player: every game they played in a server.</summary>
public static class PlayStream
{
    public const string Category = "play";

    public static string For(GuildId guild, UserId player) => StreamIds.For(Category, guild, player.ToString());
}
