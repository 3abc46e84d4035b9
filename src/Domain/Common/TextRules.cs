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

    /// <summary>Length in user-perceived characters (text elements), which is what "64 characters" means to a person.</summary>
    public static int VisibleLength(string text) => new System.Globalization.StringInfo(text).LengthInTextElements;
}
