using System.Globalization;
using EventBot.Domain.Common;

namespace EventBot.Bot.Cli;

/// <summary>A <c>--guild</c> value: a Discord snowflake, or a console server's name (mapped like the console does).</summary>
public static class CliGuild
{
    public static GuildId Parse(string text) =>
        IsId(text, out var id) ? new GuildId(id) : GuildId.FromName(text);

    /// <summary>The server as the operator typed it, for messages: <c>server 1234</c>, or <c>server "ops" (a console server's name)</c>.</summary>
    public static string Describe(string text) =>
        IsId(text, out var id) ? $"server {id.ToString(CultureInfo.InvariantCulture)}" : $"server \"{text}\" (read as a console server's name)";

    private static bool IsId(string text, out ulong id) =>
        ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out id);
}
