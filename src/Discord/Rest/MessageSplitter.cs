namespace EventBot.Discord.Rest;

/// <summary>Splits long content into Discord-sized messages without cutting a line (when avoidable) or a surrogate pair.</summary>
internal static class MessageSplitter
{
    /// <summary>Discord's content limit. Counted in UTF-16 units, which is never fewer than the characters Discord counts.</summary>
    public const int MaxContentLength = 2000;

    public static IReadOnlyList<string> Split(string content, int max = MaxContentLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        var parts = new List<string>();
        var rest = content.AsSpan();
        while (rest.Length > max)
        {
            // Prefer the last line break that fits; the break itself is dropped, since a message edge is a line edge.
            var newline = rest[..(max + 1)].LastIndexOf('\n');
            if (newline > 0)
            {
                var line = rest[..newline].TrimEnd('\r');
                if (!line.IsEmpty)
                    parts.Add(line.ToString());
                rest = rest[(newline + 1)..];
                continue;
            }

            var cut = char.IsHighSurrogate(rest[max - 1]) ? max - 1 : max;
            parts.Add(rest[..cut].ToString());
            rest = rest[cut..];
        }

        if (rest.Length > 0 || parts.Count == 0)
            parts.Add(rest.ToString());
        return parts;
    }
}
