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
        if (oneLine.Length <= max) return oneLine;
        var cut = max - 1;
        if (char.IsHighSurrogate(oneLine[cut - 1])) cut--;
        return oneLine[..cut] + "…";
    }

    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
