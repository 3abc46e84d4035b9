using System.Globalization;
using EventBot.Domain.Common;

namespace EventBot.Bot.Cli;

/// <summary>A <c>--guild</c> value: a Discord snowflake, or a console server's name (mapped like the console does).</summary>
public static class CliGuild
{
    public static GuildId Parse(string text) =>
        ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? new GuildId(id) : GuildId.FromName(text);
}
