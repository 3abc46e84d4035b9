using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;

namespace EventBot.Domain.Tests.Remember;

/// <summary>What keys and values may hold, and how their lengths are counted: as a person sees the text.</summary>
public sealed class MemoryTextTests
{
    [Theory]
    [InlineData("wi\u200Bfi", "U+200B")]          // zero-width space
    [InlineData("wi\u200Dfi", "U+200D")]          // zero-width joiner between letters
    [InlineData("wifi\u200C", "U+200C")]          // zero-width non-joiner
    [InlineData("\u202Eifiw", "U+202E")]          // right-to-left override
    [InlineData("wifi\u2066x\u2069", "U+2066")]   // isolate
    [InlineData("\u200Fwifi", "U+200F")]          // right-to-left mark
    [InlineData("\uFEFFwifi", "U+FEFF")]          // BOM / zero-width no-break space
    [InlineData("wi\u00ADfi", "U+00AD")]          // soft hyphen
    public void A_key_with_an_invisible_formatting_character_is_refused(string key, string codePoint)
    {
        var created = MemoryKey.Create(key);

        Assert.False(created.IsValid);
        Assert.Equal($"the key contains an invisible formatting character ({codePoint}), so it could not be typed back; remove it", created.Error);
    }

    [Theory]
    [InlineData("👩\u200D💻 desk")]                                    // emoji ZWJ sequence
    [InlineData("👨\u200D👩\u200D👧\u200D👦")]                        // family
    [InlineData("🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F fans")] // flag of Scotland (tags)
    [InlineData("مرحبا team")]
    public void Visible_emoji_and_scripts_are_keys(string key) => Assert.True(MemoryKey.Create(key).IsValid);

    [Fact]
    public void A_key_is_64_characters_as_a_person_counts_them()
    {
        Assert.True(MemoryKey.Create(string.Concat(Enumerable.Repeat("👩\u200D💻", 64))).IsValid);
        Assert.Equal("the key is longer than 64 characters (65)", MemoryKey.Create(string.Concat(Enumerable.Repeat("🎉", 65))).Error);
    }

    [Fact]
    public void A_value_is_1800_characters_as_a_person_counts_them()
    {
        Assert.True(MemoryValue.Create(string.Concat(Enumerable.Repeat("🎉", 1_800))).IsValid);
        Assert.Equal("the value is longer than 1,800 characters (1,801)", MemoryValue.Create(string.Concat(Enumerable.Repeat("🎉", 1_801))).Error);
        Assert.Equal("the value is longer than 1,800 characters (1,801)", MemoryValue.Create(string.Concat(Enumerable.Repeat("e\u0301", 1_801))).Error);
    }

    [Theory]
    [InlineData("abc\u202Edef", "U+202E")]
    [InlineData("x \u202Ay", "U+202A")]
    [InlineData("\u2067isolated\u2069", "U+2067")]
    public void A_value_with_a_direction_control_is_refused(string value, string codePoint) =>
        Assert.Equal($"the value contains a text-direction control ({codePoint}) that would reorder the reply; remove it", MemoryValue.Create(value).Error);

    [Theory]
    [InlineData("👩\u200D💻 at the desk")]
    [InlineData("zero\u200Bwidth and soft\u00ADhyphen")]
    [InlineData("שלום \u200F(hi)")]
    public void A_value_keeps_joiners_and_marks(string value) => Assert.Equal(value, MemoryValue.Create(value).Value);

    [Fact]
    public void A_sparkle_reason_with_a_direction_control_is_refused() =>
        Assert.Equal("the reason contains a text-direction control (U+202E) that would reorder the reply", SparkleReason.Create("for \u202Ethe review").Error);
}
