using CsCheck;
using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;

namespace EventBot.Bot.Tests.Parsing;

public sealed class CommandParserProperties
{
    private static readonly CommandParser Parser = new(".");
    private static readonly ChatUser Alice = new(UserId.FromName("alice"), "alice");

    private static ChatMessage Message(string text) => new("m", new GuildId(1), Alice, text, []);

    // Text built from command-like fragments and arbitrary characters, including surrogates and controls.
    private static readonly Gen<string> Fragments = Gen.OneOfConst(
        ".", ".remember", ".rem", ".forget", ".help", " is ", "is", " search", " history", " page ", "7", "-1", "@bob",
        "🎉", "\u0000", "\n", "\r\n", "\t", "\uD800", "`", "#", "/", "  ", "IS", "x");

    private static readonly Gen<string> Messages = Gen.Frequency(
        (3, Fragments.Array[0, 12].Select(string.Concat)),
        (2, Gen.String),
        (1, Gen.Char.Array[0, 5000].Select(c => "." + new string(c))));

    [Fact]
    public void Any_text_parses_without_throwing_and_a_prefixed_command_always_gets_an_answer()
    {
        Messages.Sample(text =>
        {
            var result = Parser.Parse(Message(text));
            Assert.NotNull(result);
            var addressed = text.Length > 1 && text[0] == '.' && char.IsLetter(text[1]);
            if (addressed) Assert.IsNotType<ParseResult.Ignored>(result);
            if (result is ParseResult.Invalid invalid) Assert.False(string.IsNullOrWhiteSpace(invalid.Reply));
        }, iter: 5000);
    }

    [Fact]
    public void The_first_whole_word_is_splits_key_from_value()
    {
        Gen.Select(Gen.String.AlphaNumeric, Gen.String.AlphaNumeric).Sample((key, value) =>
        {
            if (key.Length == 0 || value.Length == 0 || key.Equals("is", StringComparison.OrdinalIgnoreCase)) return;
            if (key.Equals("search", StringComparison.OrdinalIgnoreCase) || key.Equals("history", StringComparison.OrdinalIgnoreCase)) return;
            // Keys the type refuses (over 64 characters) are answered by the parser: ParserValueErrorTests.
            if (!MemoryKey.Create(key).IsValid) return;
            var result = Parser.Parse(Message($".remember {key} is {value}"));
            var request = Assert.IsType<ParseResult.Request>(result);
            var command = Assert.IsType<EventBot.Bot.Features.Remember.RememberValue.Command>(request.Message);
            Assert.Equal((key, value), (command.Key, command.Value));
        });
    }
}
