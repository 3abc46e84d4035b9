using EventBot.Domain.Common;

namespace EventBot.Domain.Sparkle;

/// <summary>Why someone sparkled: optional, one line, up to 100 characters.</summary>
public sealed record SparkleReason
{
    public const int MaxLength = 100;

    private SparkleReason(string text) => Text = text;

    public string Text { get; }

    /// <summary>Blank means "no reason" (valid, null). White space is collapsed, so a reason is always one line.</summary>
    public static Validated<SparkleReason?> Create(string? text)
    {
        if (!Utf16.IsWellFormed(text ?? "")) return Validated<SparkleReason?>.Invalid("the reason contains invalid characters");
        var reason = TextRules.Collapse(text ?? "");
        if (reason.Length == 0) return Validated<SparkleReason?>.Valid(null);
        if (TextRules.HasForbiddenControl(reason, allowNewLines: false))
            return Validated<SparkleReason?>.Invalid("the reason contains control characters");
        if (TextRules.FirstBidiControl(reason) is { } bidi)
            return Validated<SparkleReason?>.Invalid($"the reason contains a text-direction control ({TextRules.CodePoint(bidi)}) that would reorder the reply");
        var length = TextRules.VisibleLength(reason);
        if (length > MaxLength)
            return Validated<SparkleReason?>.Invalid($"the reason is longer than {MaxLength} characters ({length})");
        return Validated<SparkleReason?>.Valid(new SparkleReason(reason));
    }

    public override string ToString() => Text;

    /// <summary>A reason reads as its text; no reason reads as null.</summary>
    public static implicit operator string?(SparkleReason? reason) => reason?.Text;
}
