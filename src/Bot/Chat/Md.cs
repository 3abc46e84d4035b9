namespace EventBot.Bot.Chat;

/// <summary>Small formatting helpers so user text can never break the reply's markup.</summary>
public static class Md
{
    /// <summary>Inline code that survives backticks inside the text.</summary>
    public static string Code(string text)
    {
        var clean = text.Replace("\n", " ", StringComparison.Ordinal);
        return clean.Contains('`', StringComparison.Ordinal) ? $"`` {clean} ``" : $"`{clean}`";
    }

    /// <summary>
    /// User text (a value, a sparkle reason) embedded in a reply: Markdown's special characters are escaped with a
    /// backslash, so a backtick, a code fence, <c>**</c>, <c>||</c> or <c>~~</c> in it shows as typed and cannot
    /// swallow or restyle the rest of the reply. New lines are kept.
    /// </summary>
    public static string Text(string text)
    {
        if (text.AsSpan().IndexOfAny(Special) < 0) return text;
        var escaped = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (Special.Contains(c)) escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create("\\`*_~|");

    /// <summary>User text shortened to one line of at most <paramref name="max"/> characters, then escaped (<see cref="Text"/>).</summary>
    public static string ShortText(string text, int max) => Text(Shorten(text, max));

    public static string Shorten(string text, int max)
    {
        var oneLine = text.Replace("\n", " ⏎ ", StringComparison.Ordinal);
        return Clip(oneLine, max);
    }

    /// <summary>At most <paramref name="max"/> characters, ending in "…" when cut; never splits a surrogate pair.</summary>
    public static string Clip(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "…";
    }

    /// <summary>
    /// The one style of every error reply: "⚠️ " and a sentence starting with a capital letter. Idempotent: text that
    /// already starts with the sign is returned as it is.
    /// </summary>
    public const string ErrorSign = "⚠️";

    public static string Error(string text)
    {
        const string sign = ErrorSign;
        var trimmed = text.Trim();
        if (trimmed.StartsWith(sign, StringComparison.Ordinal)) trimmed = trimmed[sign.Length..].TrimStart();
        return $"{sign} {Capitalise(trimmed)}";
    }

    public static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
