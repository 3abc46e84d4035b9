using System.Text;
using CsCheck;
using EventBot.Domain.Common;

namespace EventBot.Domain.Tests.Common;

/// <summary>The plain-ASCII shortcut in <see cref="TextRules"/> must give exactly what the general rule gives.</summary>
public sealed class TextRulesTests
{
    // The rule as written before the shortcut: Form C, whitespace runs to one space, none at the ends; fold through
    // upper then lower case (invariant).
    private static string CollapseByRule(string text)
    {
        var builder = new StringBuilder();
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

    private static readonly Gen<string> Texts = Gen.OneOf(
        Gen.String[Gen.Char[' ', '~'], 0, 30],                         // printable ASCII, any spacing
        Gen.String[Gen.OneOfConst(' ', '\t', '\n', 'a', 'B', '1', '-'), 0, 20],
        Gen.String[Gen.OneOfConst('e', '\u0301', 'ß', 'İ', 'ı', '\u00a0', 'Σ', ' ', 'K', '\u212a'), 0, 12]);

    [Fact]
    public void Collapse_and_fold_agree_with_the_rule_for_any_text() =>
        Texts.Sample(text =>
        {
            Assert.Equal(CollapseByRule(text), TextRules.Collapse(text));
            Assert.Equal(CollapseByRule(text).ToUpperInvariant().ToLowerInvariant(), TextRules.Fold(text));
        }, iter: 5_000);

    [Fact]
    public void Visible_length_agrees_with_text_elements_for_any_text() =>
        Gen.OneOf(Texts, Gen.String[Gen.OneOfConst('a', ' ', '\r', '\n', '\u200D', '\u0301', '\uD83D', '\uDE00'), 0, 12]).Sample(text =>
            Assert.Equal(new System.Globalization.StringInfo(text).LengthInTextElements, TextRules.VisibleLength(text)), iter: 5_000);

    [Theory]
    [InlineData("meeting", "meeting")]
    [InlineData("  Team   Meeting\t", "team meeting")]
    [InlineData("cafe\u0301", "caf\u00e9")]
    public void Fold_examples(string text, string folded) => Assert.Equal(folded, TextRules.Fold(text));
}
