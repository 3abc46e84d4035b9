using System.Text;

namespace EventBot.Domain.Common;

/// <summary>Normalisation shared by every feature that matches user-typed names.</summary>
public static class TextRules
{
    /// <summary>Trim, collapse runs of white space to one space, NFC.</summary>
    public static string Collapse(string text)
    {
        var builder = new StringBuilder(text.Length);
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
            builder.Append(rune.ToString());
        }
        return builder.ToString();
    }

    /// <summary>The matching form: collapsed and case-folded (invariant, so every machine agrees).</summary>
    public static string Fold(string text) => Collapse(text).ToUpperInvariant().ToLowerInvariant();

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
