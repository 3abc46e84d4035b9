using EventBot.Bot.Chat;
using EventBot.Bot.Features.Remember;
using EventBot.Bot.Parsing;
using EventBot.Domain.Common;

namespace EventBot.Bot.Tests.Parsing;

/// <summary>
/// Values the types refuse are answered by the parser, once, with the reply the pipeline's validation used to give;
/// in a DM a server command still answers that it needs a server first.
/// </summary>
public sealed class ValueErrorTests
{
    private static readonly CommandParser Parser = new(".");
    private static readonly ChatUser Alice = new(UserId.FromName("alice"), "alice");

    private static ParseResult Parse(string text, GuildId? guild) => Parser.Parse(new ChatMessage("m", guild, Alice, text, []));

    [Theory]
    [InlineData(".remember {0} is tomorrow", "⚠️ The key is longer than 64 characters (65)")]
    [InlineData(".remember {0}", "⚠️ The key is longer than 64 characters (65)")]
    [InlineData(".forget {0}", "⚠️ The key is longer than 64 characters (65)")]
    [InlineData(".remember history {0}", "⚠️ The key is longer than 64 characters (65)")]
    [InlineData(".remember {0} as of 3d ago", "⚠️ The key is longer than 64 characters (65)")]
    [InlineData(".remember restore {0} 2", "⚠️ The key is longer than 64 characters (65)")]
    [InlineData(".remember history page 1001", "⚠️ That page is too far back (at most page 1,000)")]
    [InlineData(".remember restore meeting 0", "⚠️ Versions start at 1 (see `.remember history <key>`)")]
    [InlineData(".remember meeting is \u0007", "⚠️ The value contains control characters (only new lines are allowed)")]
    public void A_refused_value_is_answered_in_a_server_and_server_only_in_a_dm(string template, string reply)
    {
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, new string('k', 65));
        Assert.Equal(reply, Assert.IsType<ParseResult.Invalid>(Parse(text, GuildId.FromName("g"))).Reply);
        Assert.Equal(Pipeline.GuildScope.ServerOnly, Assert.IsType<ParseResult.Invalid>(Parse(text, null)).Reply);
    }

    [Fact]
    public void A_key_with_a_lone_surrogate_is_refused_not_a_crash() =>
        Assert.Equal("⚠️ The key contains invalid characters", Assert.IsType<ParseResult.Invalid>(Parse(".remember a\uD800 is x", GuildId.FromName("g"))).Reply);

    [Fact]
    public void Commands_carry_the_validated_values()
    {
        var command = Assert.IsType<RememberValue.Command>(Assert.IsType<ParseResult.Request>(Parse(".remember  Big   Meeting  is  tomorrow ", GuildId.FromName("g"))).Message);
        Assert.Equal(("Big Meeting", "big meeting", "tomorrow"), (command.Key.Display, command.Key.Normalized, command.Value.Text));
    }
}
