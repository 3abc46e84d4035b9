using System.Text.RegularExpressions;

namespace EventBot.Bot.Tests.Adapters.Console;

/// <summary>A <c>/</c> line in the console runs the whole interaction path: commands, suggestions and page buttons.</summary>
public sealed partial class ConsoleSlashSessionTests : IDisposable
{
    private readonly BotRunner _bot = new();

    public void Dispose() => _bot.Dispose();

    [Fact]
    public async Task Slash_set_get_with_quoted_values_and_suggestions()
    {
        var output = await _bot.RunAsync("""
            /remember set key:meeting value:"next tuesday"
            /remember get key:meeting
            /remember get key:mee?
            /remember set key:meeting
            /help
            """);

        var lines = output.Split('\n');
        Assert.Equal("Remembered `meeting`: next tuesday", lines[0]);
        Assert.Equal("`meeting` is next tuesday", lines[1]);
        Assert.Equal("Suggestions:", lines[2]);
        Assert.Equal("  meeting", lines[3]);
        Assert.Equal("(only you) ⚠️ The option `value` is missing.", lines[4]);
        Assert.StartsWith("(only you) EventBot slash commands", lines[5], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_button_prints_as_a_page_hint_that_can_be_typed_back()
    {
        var setup = string.Join('\n', Enumerable.Range(1, 12).Select(i => $".remember meeting is x{i}"));
        var first = await _bot.RunAsync(setup + "\n/remember history key:meeting\n");
        var next = PageHint().Matches(first).Single().Groups["id"].Value;

        var page2 = await _bot.RunAsync($".remember meeting is x13\n/page {next}\n");

        Assert.Contains("page 1 of 2", first, StringComparison.Ordinal);
        Assert.Contains("page 2 of 2", page2, StringComparison.Ordinal);
        Assert.Contains("v1 · ", page2, StringComparison.Ordinal); // as of the first render: v13 did not push v1 off
    }

    [Fact]
    public async Task Users_are_console_users_and_bad_lines_say_why()
    {
        await _bot.RunAsync("", user: "bob");

        var output = await _bot.RunAsync("/sparkle user:@bob reason:\"the review\"\n/sparkle user:@zed\n/remember nonsense\n/remember history page:soon\n/\n");

        var lines = output.Split('\n');
        Assert.Equal("✨ alice sparkled bob for “the review”: first sparkle! 🎉", lines[0]);
        Assert.Equal("(only you) ⚠️ I don't know that user here: pick someone in this server.", lines[1]);
        Assert.Equal("⚠️ I don't know `/remember nonsense`. Try `/help`.", lines[2]);
        Assert.Equal("⚠️ `page` takes a whole number, not `soon`.", lines[3]);
        Assert.StartsWith("⚠️ Type a slash command after `/`", lines[4], StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\[▶ /page (?<id>\S+)\]")]
    private static partial Regex PageHint();
}
