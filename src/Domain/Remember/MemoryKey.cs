using EventBot.Domain.Common;

namespace EventBot.Domain.Remember;

/// <summary>
/// A remembered key: any Unicode text, matched case-insensitively with white space collapsed,
/// displayed as written.
/// </summary>
public sealed record MemoryKey
{
    public const int MaxLength = 64;

    private MemoryKey(string display, string normalized) => (Display, Normalized) = (display, normalized);

    public string Display { get; }

    public string Normalized { get; }

    public static Validated<MemoryKey> Create(string? text)
    {
        var display = TextRules.Collapse(text ?? "");
        if (display.Length == 0) return Validated<MemoryKey>.Invalid("the key is empty");
        if (TextRules.HasForbiddenControl(display, allowNewLines: false))
            return Validated<MemoryKey>.Invalid("the key contains control characters");
        if (TextRules.VisibleLength(display) > MaxLength)
            return Validated<MemoryKey>.Invalid($"the key is longer than {MaxLength} characters");
        return Validated<MemoryKey>.Valid(new MemoryKey(display, TextRules.Fold(display)));
    }

    public static MemoryKey Parse(string text) => Create(text).Value;

    public bool Equals(MemoryKey? other) => other is not null && other.Normalized == Normalized;

    public override int GetHashCode() => Normalized.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Display;
}

/// <summary>A remembered value: up to 1,800 characters, may span lines.</summary>
public static class MemoryValue
{
    public const int MaxLength = 1800;

    public static Validated<string> Create(string? text)
    {
        var value = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (value.Length == 0) return Validated<string>.Invalid("the value is empty");
        if (TextRules.HasForbiddenControl(value, allowNewLines: true))
            return Validated<string>.Invalid("the value contains control characters (only new lines are allowed)");
        if (value.Length > MaxLength)
            return Validated<string>.Invalid($"the value is longer than {MaxLength:N0} characters ({value.Length:N0})");
        return Validated<string>.Valid(value);
    }
}
