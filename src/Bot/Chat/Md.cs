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

    public static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
