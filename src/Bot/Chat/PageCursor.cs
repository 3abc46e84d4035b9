using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EventBot.Bot.Chat;

/// <summary>
/// A page of a view as it was at its first render, carried whole in a button's <c>custom_id</c> (at most 100
/// characters): the view, the page, the event position at first render (<see cref="Mark"/>: a key's stream version, or
/// the guild history's time in Unix milliseconds) and the view's argument (a key, written out when it fits, else
/// <c>#</c> and a hash of its normalised form). Nothing is kept on the server, so a button works after a restart, and the
/// page it shows ignores whatever changed after the first render.
/// </summary>
public sealed record PageCursor(string View, int Page, long Mark, string Argument = "")
{
    public const int MaxLength = 100;

    /// <summary>One key's history: <see cref="Mark"/> is the key's last version at first render.</summary>
    public const string KeyHistory = "hk";

    /// <summary>The server's history: <see cref="Mark"/> is the render time (events recorded later are left out).</summary>
    public const string ServerHistory = "hs";

    private const string HashMark = "#";

    public string Encode()
    {
        var id = $"{View}|{Page.ToString(CultureInfo.InvariantCulture)}|{Base36(Mark)}|{Argument}";
        return id.Length <= MaxLength ? id : throw new InvalidOperationException($"A custom_id of {id.Length} characters; Discord allows {MaxLength}.");
    }

    public static PageCursor? Parse(string? customId)
    {
        var parts = (customId ?? "").Split('|', 4);
        if (parts.Length != 4 || parts[0].Length == 0) return null;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var page) || page < 1) return null;
        return FromBase36(parts[2]) is { } mark ? new PageCursor(parts[0], page, mark, parts[3]) : null;
    }

    /// <summary>◀ and ▶ of page <paramref name="page"/> of <paramref name="pages"/>; none when there is a single page.</summary>
    public static IReadOnlyList<ReplyButton> Buttons(string view, int page, int pages, long mark, string argument = "") =>
        pages <= 1 && page <= 1
            ? []
            : [
                new ReplyButton(new PageCursor(view, Math.Max(1, page - 1), mark, argument).Encode(), "◀", Disabled: page <= 1),
                new ReplyButton(new PageCursor(view, page + 1, mark, argument).Encode(), "▶", Disabled: page >= pages),
            ];

    /// <summary>The key as written when the whole custom_id fits in 100 characters, else <c>#</c> and a hash of its normalised form.</summary>
    public static string KeyArgument(string view, string display, string normalized)
    {
        // The longest prefix: the view, a four-digit page, a mark of 13 base-36 digits (any long), three separators.
        var room = MaxLength - (view.Length + 4 + 13 + 3);
        return display.Length <= room && !display.StartsWith(HashMark, StringComparison.Ordinal) ? display : HashMark + Hash(normalized);
    }

    /// <summary>The hash a long key travels as, when <paramref name="argument"/> is one; else null.</summary>
    public static string? HashedKey(string argument) => argument.StartsWith(HashMark, StringComparison.Ordinal) ? argument[1..] : null;

    /// <summary>A short, stable hash of a normalised key (22 characters of base64url SHA-256).</summary>
    public static string Hash(string normalized) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)))[..22].Replace('+', '-').Replace('/', '_');

    internal static string Base36(long value)
    {
        if (value <= 0) return "0";
        var text = new StringBuilder();
        for (var v = value; v > 0; v /= 36) text.Insert(0, Digits[(int)(v % 36)]);
        return text.ToString();
    }

    internal static long? FromBase36(string text)
    {
        if (text.Length is 0 or > 13) return null;
        long value = 0;
        foreach (var c in text)
        {
            var digit = Digits.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0 || value > (long.MaxValue - digit) / 36) return null;
            value = (value * 36) + digit;
        }
        return value;
    }

    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
}
