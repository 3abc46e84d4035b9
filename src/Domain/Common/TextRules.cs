using System.Globalization;
using System.Text;

namespace EventBot.Domain.Common;

/// <summary>Normalisation shared by every feature that matches user-typed names.</summary>
public static class TextRules
{
    /// <summary>Trim, collapse runs of white space to one space, NFC.</summary>
    public static string Collapse(string text)
    {
        // Most keys are plain ASCII with single spaces: already collapsed (and already in Form C).
        if (IsPlainAscii(text)) return text;
        var builder = new StringBuilder(text.Length);
        Span<char> utf16 = stackalloc char[2];
        var pendingSpace = false;
        foreach (var rune in text.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }
            builder.Append(utf16[..rune.EncodeToUtf16(utf16)]);
        }
        return builder.ToString();
    }

    /// <summary>The matching form: collapsed and case-folded (invariant, so every machine agrees).</summary>
    public static string Fold(string text)
    {
        var collapsed = Collapse(text);
        // For ASCII the round trip through upper case changes nothing that lower case alone does not.
        return IsPlainAscii(collapsed) ? collapsed.ToLowerInvariant() : collapsed.ToUpperInvariant().ToLowerInvariant();
    }

    /// <summary>Printable ASCII, single spaces between words, none at either end: what <see cref="Collapse"/> leaves as is.</summary>
    private static bool IsPlainAscii(string text)
    {
        if (text.Length > 0 && (text[0] == ' ' || text[^1] == ' ')) return false;
        var space = false;
        foreach (var c in text)
        {
            if (c == ' ')
            {
                if (space) return false;
                space = true;
                continue;
            }
            if (c is < '!' or > '~') return false;
            space = false;
        }
        return true;
    }

    /// <summary>True when the text holds a control character other than a line feed (and CR of a CRLF).</summary>
    public static bool HasForbiddenControl(string text, bool allowNewLines)
    {
        foreach (var c in text)
        {
            if (c == '\n' && allowNewLines) continue;
            if (c == '\r' && allowNewLines) continue;
            if (c == '\t') continue;
            if (char.IsControl(c)) return true;
        }
        return false;
    }

    /// <summary>
    /// Length in user-perceived characters (text elements, grapheme clusters), which is what "64 characters" means to a
    /// person: an emoji, a flag, a letter with its accents each count one. Every limit on user text is counted this way.
    /// </summary>
    public static int VisibleLength(string text) =>
        text.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0 ? text.Length : new StringInfo(text).LengthInTextElements;

    /// <summary>
    /// The first invisible formatting character (Unicode category Cf: zero-width space, non-joiner and joiner, word
    /// joiner, BOM, soft hyphen, bidirectional marks, embeddings, overrides and isolates) that is not part of what a
    /// person sees, or null. Such characters make look-alike names that cannot be typed back. Kept, because they are
    /// part of one visible emoji: a zero-width joiner between two pictographs (👩‍💻) and the tags of a flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
    /// </summary>
    public static Rune? FirstHiddenFormat(string text)
    {
        if (Ascii.IsValid(text)) return null; // no format character is ASCII
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var runes = elements.GetTextElement().EnumerateRunes().ToArray();
            for (var i = 0; i < runes.Length; i++)
            {
                if (Rune.GetUnicodeCategory(runes[i]) != UnicodeCategory.Format) continue;
                if (JoinsEmoji(runes, i) || IsFlagTag(runes, i)) continue;
                return runes[i];
            }
        }
        return null;
    }

    /// <summary>
    /// The first bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), or null: text holding one
    /// reorders the rest of the reply line it is shown in. The weak marks (LRM, RLM, ALM) only nudge their neighbours
    /// and are kept, as right-to-left writers use them.
    /// </summary>
    public static Rune? FirstBidiControl(string text)
    {
        foreach (var c in text)
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') return new Rune(c);
        return null;
    }

    /// <summary><c>U+200B</c>: how a reply names an invisible character.</summary>
    public static string CodePoint(Rune rune) => $"U+{rune.Value:X4}";

    private static bool JoinsEmoji(Rune[] cluster, int i) =>
        cluster[i].Value == 0x200D && i > 0 && i < cluster.Length - 1 && Rune.GetUnicodeCategory(cluster[i + 1]) == UnicodeCategory.OtherSymbol;

    private static bool IsFlagTag(Rune[] cluster, int i) =>
        cluster[i].Value is >= 0xE0020 and <= 0xE007F && i > 0 && cluster[0].Value == 0x1F3F4;
}
