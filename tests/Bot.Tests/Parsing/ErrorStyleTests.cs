using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Domain.Common;

namespace EventBot.Bot.Tests.Parsing;

/// <summary>Every error reply has one style: "⚠️ " and a sentence that starts with a capital letter.</summary>
public sealed class ErrorStyleTests
{
    private static readonly CommandParser Parser = new(".");
    private static readonly ChatUser Alice = new(UserId.FromName("alice"), "alice");

    [Theory]
    [InlineData(".frobnicate")]
    [InlineData(".")]
    [InlineData(".remember")]
    [InlineData(".remember is x")]
    [InlineData(".remember k is")]
    [InlineData(".remember serch meeting")]
    [InlineData(".remember history k page 0")]
    [InlineData(".remember history page 1001")]
    [InlineData(".remember restore meeting 0")]
    [InlineData(".remember restore meeting")]
    [InlineData(".remember meeting is \u0007")]
    [InlineData(".remember kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk")]
    [InlineData(".forget")]
    [InlineData(".remember get")]
    [InlineData(".leaderboard")]
    [InlineData(".lb karma")]
    [InlineData(".lb sparkles week month")]
    [InlineData(".play")]
    [InlineData(".sparkle")]
    public void Every_error_reply_starts_with_the_sign_and_a_capital_letter(string text)
    {
        var reply = Assert.IsType<ParseResult.Invalid>(Parser.Parse(new ChatMessage("m", GuildId.FromName("g"), Alice, text, []))).Reply;
        Assert.StartsWith("⚠️ ", reply, StringComparison.Ordinal);
        Assert.True(char.IsUpper(reply["⚠️ ".Length]), reply);
        Assert.DoesNotContain("⚠️ ⚠️", reply, StringComparison.Ordinal);
    }

    [Fact]
    public void The_style_is_applied_once() =>
        Assert.Equal("⚠️ The key is empty.", Md.Error(Md.Error("the key is empty.")));
}
