using EventBot.Domain.Common;

namespace EventBot.Domain.Sparkle;

/// <summary>Why someone sparkled: optional, one line, up to 100 characters.</summary>
public static class SparkleReason
{
    public const int MaxLength = 100;

    /// <summary>Blank means "no reason" (valid, null). White space is collapsed, so a reason is always one line.</summary>
    public static Validated<string?> Create(string? text)
    {
        var reason = TextRules.Collapse(text ?? "");
        if (reason.Length == 0) return Validated<string?>.Valid(null);
        if (TextRules.HasForbiddenControl(reason, allowNewLines: false))
            return Validated<string?>.Invalid("the reason contains control characters");
        if (TextRules.FirstBidiControl(reason) is { } bidi)
            return Validated<string?>.Invalid($"the reason contains a text-direction control ({TextRules.CodePoint(bidi)}) that would reorder the reply");
        var length = TextRules.VisibleLength(reason);
        if (length > MaxLength)
            return Validated<string?>.Invalid($"the reason is longer than {MaxLength} characters ({length})");
        return Validated<string?>.Valid(reason);
    }
}
