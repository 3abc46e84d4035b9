namespace EventBot.Bot.Tests.Features.Replies;

/// <summary>Issue 20: user text embedded in a reply is escaped, so it can never restyle or swallow the rest of it.</summary>
public sealed class UserTextTests : IAsyncLifetime
{
    private BotHarness _h = null!;

    public async Task InitializeAsync() => _h = await BotHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Values_with_backticks_and_fences_are_escaped_wherever_a_reply_shows_them()
    {
        Assert.Equal("Remembered `code`: \\`\\`\\`cs oops", await _h.SayAsync(".remember code is ```cs oops"));
        Assert.Equal("`code` is \\`\\`\\`cs oops", await _h.SayAsync(".remember code"));
        Assert.Equal("Updated `code`: \\*\\*x\n(was: \\`\\`\\`cs oops)",
            await _h.SayAsync(".remember code is **x"));
        await _h.SayAsync(".remember other is plain");

        var history = await _h.SayAsync(".remember history");
        Assert.Contains("changed “\\`\\`\\`cs oops” → “\\*\\*x”", history, StringComparison.Ordinal);
        Assert.Contains("`code` — \\*\\*x", await _h.SayAsync(".remember search co"), StringComparison.Ordinal);
        Assert.Equal("Forgot `code` (was: \\*\\*x)", await _h.SayAsync(".forget code"));
    }

    [Fact]
    public async Task Sparkle_reasons_are_escaped()
    {
        Assert.Equal("✨ alice sparkled bob for “the \\`fix\\` \\|\\| spoiler”: first sparkle! 🎉", await _h.SayAsync(".sparkle @bob for the `fix` || spoiler"));
        Assert.Contains("“the \\`fix\\` \\|\\| spoiler”", await _h.SayAsync(".show sparkles @bob"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_sparkles_yet_suggests_something_the_asker_can_do()
    {
        var own = await _h.SayAsync(".show sparkles");
        Assert.Equal("alice has no sparkles yet. Sparkles come from others; start by thanking someone: `.sparkle @name for <reason>`", own);
        Assert.StartsWith("⚠️", await _h.SayAsync(".sparkle @alice"));
        Assert.Equal("bob has no sparkles yet. Give one: `.sparkle @bob for <reason>`", await _h.SayAsync(".show sparkles @bob"));
    }

    [Fact]
    public async Task A_restore_after_a_forget_says_so_instead_of_quoting_nothing()
    {
        await _h.SayAsync(".remember k is one");
        await _h.SayAsync(".forget k");
        await _h.SayAsync(".remember restore k 1");

        var history = await _h.SayAsync(".remember history k");
        Assert.Contains("restored from v1 after a forget: “one”", history, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing", history, StringComparison.Ordinal);
    }
}
