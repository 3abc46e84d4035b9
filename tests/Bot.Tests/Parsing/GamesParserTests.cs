using CsCheck;
using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Leaderboard;
using EventBot.Bot.Features.Play;
using EventBot.Bot.Features.Sparkle;
using EventBot.Bot.Parsing;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Projections.Leaderboards;

namespace EventBot.Bot.Tests.Parsing;

public sealed class GamesParserTests
{
    private static readonly CommandParser Parser = new(".");
    private static readonly ChatUser Alice = new(UserId.FromName("alice"), "alice");

    private static ParseResult Parse(string text, IReadOnlyList<ChatUser>? mentions = null) =>
        Parser.Parse(new ChatMessage("m", GuildId.FromName("g"), Alice, text, mentions ?? ConsoleMentions.Find(text)));

    [Fact]
    public void A_discord_mention_finds_the_mentioned_user_by_id()
    {
        var bob = new ChatUser(new UserId(123456789), "Bob");
        var command = Assert.IsType<GiveSparkle.Command>(Assert.IsType<ParseResult.Request>(Parse(".sparkle <@!123456789> because reasons", [bob])).Message);
        Assert.Equal((bob, "reasons"), (command.Target, command.Reason));
        Assert.IsType<ParseResult.Invalid>(Parse(".sparkle <@42>", [bob]));
    }

    [Theory]
    [InlineData(".sparkle @bob for the   review", "the review")]
    [InlineData(".sparkle @bob, thanks!", "thanks!")]
    [InlineData(".sparkle @bob", null)]
    public void Sparkle_reasons_are_optional_with_or_without_for(string text, string? reason)
    {
        var command = Assert.IsType<GiveSparkle.Command>(Assert.IsType<ParseResult.Request>(Parse(text)).Message);
        Assert.Equal(("bob", reason), (command.Target.DisplayName, command.Reason));
    }

    [Theory]
    [InlineData(".leaderboard play", null, BoardWindow.All)]
    [InlineData(".lb play dice", Game.Dice, BoardWindow.All)]
    [InlineData(".lb play coin month", Game.Coin, BoardWindow.Month)]
    [InlineData(".LB Play Week", null, BoardWindow.Week)]
    public void Game_boards_take_an_optional_game_then_an_optional_window(string text, Game? game, BoardWindow window)
    {
        var query = Assert.IsType<PlayLeaderboard.Query>(Assert.IsType<ParseResult.Request>(Parse(text)).Message);
        Assert.Equal((game, window), (query.Game, query.Window));
    }

    [Fact]
    public void Play_stats_without_a_user_is_the_server_and_with_one_is_that_user()
    {
        Assert.Null(Assert.IsType<PlayStatistics.Query>(Assert.IsType<ParseResult.Request>(Parse(".play stats")).Message).User);
        Assert.Equal("bob", Assert.IsType<PlayStatistics.Query>(Assert.IsType<ParseResult.Request>(Parse(".play stats @bob")).Message).User!.DisplayName);
        Assert.IsType<ParseResult.Invalid>(Parse(".play stats bob"));
        Assert.IsType<ParseResult.Invalid>(Parse(".stats now"));
    }

    [Fact]
    public void The_parser_stays_total_on_any_text_after_the_new_verbs()
    {
        var verbs = Gen.OneOfConst(".sparkle ", ".show ", ".show sparkles ", ".play ", ".play dice ", ".play stats ", ".leaderboard ", ".lb play ", ".lb sparkles ", ".stats ");
        var tail = Gen.OneOf(Gen.String, Gen.OneOfConst("@", "<@", "<@!>", "<@99999999999999999999999>", "@@", "for", "@bob for", "2d", "d0", "99d9999 5"));
        Gen.Select(verbs, tail, tail).Sample((verb, a, b) =>
        {
            var result = Parse(verb + a + " " + b);
            return result is ParseResult.Request or ParseResult.Invalid or ParseResult.Ignored;
        }, iter: 2_000);
    }
}
