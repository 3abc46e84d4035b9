using System.Security.Cryptography;
using System.Text;

namespace EventBot.Domain.Common;

/// <summary>A Discord server (guild) snowflake. Console guilds get stable ids derived from their names.</summary>
public readonly record struct GuildId(ulong Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static GuildId Parse(string text) => new(ulong.Parse(text, System.Globalization.CultureInfo.InvariantCulture));

    public static GuildId FromName(string name) => new(StableId.From("guild", name));
}

/// <summary>A Discord user snowflake. Console users get stable ids derived from their names.</summary>
public readonly record struct UserId(ulong Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static UserId Parse(string text) => new(ulong.Parse(text, System.Globalization.CultureInfo.InvariantCulture));

    public static UserId FromName(string name) => new(StableId.From("user", name));
}

/// <summary>Who did it, as they were called at the time.</summary>
public sealed record Actor(UserId Id, string DisplayName);

internal static class StableId
{
    // SHA-256 rather than string.GetHashCode: the id must be the same in every process, forever,
    // because it ends up in stored events. The top bit is cleared so ids stay positive in any signed store.
    public static ulong From(string kind, string name)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}:{name.Trim().ToUpperInvariant()}"));
        return BitConverter.ToUInt64(bytes, 0) & 0x7FFF_FFFF_FFFF_FFFFUL;
    }
}
