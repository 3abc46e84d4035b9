using EventBot.Domain.Common;

namespace EventBot.Domain.Remember;

/// <summary>
/// A remembered key: any visible Unicode text up to 64 characters as a person counts them (text elements), matched
/// case-insensitively with white space collapsed, displayed as written. Control characters and invisible formatting
/// characters (zero-width spaces and joiners, direction controls) are refused: they make keys that look alike and
/// cannot be typed back. Emoji built with joiners (👩‍💻) are visible, and allowed.
/// </summary>
public sealed record MemoryKey
{
    public const int MaxLength = 64;

    private MemoryKey(string display, string normalized) => (Display, Normalized) = (display, normalized);

    public string Display { get; }

    public string Normalized { get; }

    public static Validated<MemoryKey> Create(string? text)
    {
        if (!Utf16.IsWellFormed(text ?? "")) return Validated<MemoryKey>.Invalid("the key contains invalid characters");
        var display = TextRules.Collapse(text ?? "");
        if (display.Length == 0) return Validated<MemoryKey>.Invalid("the key is empty");
        if (TextRules.HasForbiddenControl(display, allowNewLines: false))
            return Validated<MemoryKey>.Invalid("the key contains control characters");
        if (TextRules.FirstHiddenFormat(display) is { } hidden)
            return Validated<MemoryKey>.Invalid($"the key contains an invisible formatting character ({TextRules.CodePoint(hidden)}), so it could not be typed back; remove it");
        if (TextRules.VisibleLength(display) is var length && length > MaxLength)
            return Validated<MemoryKey>.Invalid($"the key is longer than {MaxLength} characters ({length:N0})");
        return Validated<MemoryKey>.Valid(new MemoryKey(display, TextRules.Fold(display)));
    }

    public static MemoryKey Parse(string text) => Create(text).Value;

    public bool Equals(MemoryKey? other) => other is not null && other.Normalized == Normalized;

    public override int GetHashCode() => Normalized.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Display;

    /// <summary>A key reads as it was written.</summary>
    public static implicit operator string(MemoryKey key) => key.Display;
}

/// <summary>
/// A remembered value: up to 1,800 characters as a person counts them (text elements), may span lines; may hold emoji
/// joiners and other formatting characters, but no text-direction control that would reorder the reply it is shown in.
/// </summary>
public sealed record MemoryValue
{
    public const int MaxLength = 1800;

    private MemoryValue(string text) => Text = text;

    public string Text { get; }

    public static Validated<MemoryValue> Create(string? text)
    {
        var value = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (value.Length == 0) return Validated<MemoryValue>.Invalid("the value is empty");
        if (TextRules.HasForbiddenControl(value, allowNewLines: true))
            return Validated<MemoryValue>.Invalid("the value contains control characters (only new lines are allowed)");
        if (TextRules.FirstBidiControl(value) is { } bidi)
            return Validated<MemoryValue>.Invalid($"the value contains a text-direction control ({TextRules.CodePoint(bidi)}) that would reorder the reply; remove it");
        if (TextRules.VisibleLength(value) is var length && length > MaxLength)
            return Validated<MemoryValue>.Invalid($"the value is longer than {MaxLength:N0} characters ({length:N0})");
        return Validated<MemoryValue>.Valid(new MemoryValue(value));
    }

    public override string ToString() => Text;

    public static implicit operator string(MemoryValue value) => value.Text;
}
