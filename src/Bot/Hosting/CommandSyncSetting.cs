using System.Globalization;

namespace EventBot.Bot.Hosting;

/// <summary>
/// <c>EVENTBOT_SYNC_COMMANDS</c>: <c>off</c> (default), <c>global</c> or <c>guild:ID</c>. A guild sync shows changes at
/// once in that server (for development); global commands are what every server sees.
/// </summary>
public sealed record CommandSyncSetting(bool Enabled, string? GuildId)
{
    public static readonly CommandSyncSetting Off = new(false, null);

    public const string Allowed = "off, global, guild:<server id>";

    public static bool TryParse(string? value, out CommandSyncSetting setting)
    {
        setting = Off;
        var text = value?.Trim() ?? "off";
        if (text.Equals("off", StringComparison.OrdinalIgnoreCase))
            return true;
        if (text.Equals("global", StringComparison.OrdinalIgnoreCase))
        {
            setting = new CommandSyncSetting(true, null);
            return true;
        }

        if (text.StartsWith("guild:", StringComparison.OrdinalIgnoreCase) && IsSnowflake(text["guild:".Length..]))
        {
            setting = new CommandSyncSetting(true, text["guild:".Length..]);
            return true;
        }

        return false;
    }

    public static bool IsSnowflake(string text) =>
        text.Length is > 0 and <= 20 && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
