using System.Text;

namespace EventBot.Bot.Tests.Adapters.Console;

public sealed class ConsoleSessionTests : IDisposable
{
    private readonly BotRunner _bot = new();

    [Fact]
    public async Task Set_recall_history_forget_recall_through_piped_stdin()
    {
        var output = await _bot.RunAsync("""
            .remember meeting is tomorrow
            .remember meeting
            .remember history meeting
            .forget meeting
            .remember meeting
            """);

        var lines = output.Split('\n');
        Assert.Equal("Remembered `meeting`: tomorrow", lines[0]);
        Assert.Equal("`meeting` is tomorrow", lines[1]);
        Assert.Equal("History of `meeting`:", lines[2]);
        Assert.Matches(@"^• v1 · \d{4}-\d\d-\d\d \d\d:\d\d UTC · alice · set to “tomorrow”$", lines[3]);
        Assert.Equal("Forgot `meeting` (was: tomorrow)", lines[5]);
        Assert.StartsWith("Nothing remembered for `meeting`", lines[6]);
    }

    [Fact]
    public async Task Only_console_users_seen_in_the_data_dir_can_be_mentioned_and_quotes_allow_spaces()
    {
        await _bot.RunAsync("", user: "bob smith");

        var output = await _bot.RunAsync(".sparkle @zed\n.sparkle @\"Bob Smith\" for the help\n.show sparkles @zed\n.lb sparkles\n");

        var lines = output.Split('\n');
        Assert.StartsWith("⚠️ I don't know `@zed` here", lines[0]);
        Assert.Equal("✨ alice sparkled bob smith for “the help”: first sparkle! 🎉", lines[1]);
        Assert.StartsWith("⚠️ I don't know `@zed` here", lines[2]);
        Assert.DoesNotContain("zed", output[output.IndexOf("✨ Sparkles", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_bot.DataDir, "console-users.txt")));
    }

    [Fact]
    public async Task A_restarted_bot_on_the_same_data_dir_still_recalls()
    {
        await _bot.RunAsync(".remember wifi is hunter2\n");

        var output = await _bot.RunAsync(".remember WIFI\n");

        Assert.Equal("`wifi` is hunter2\n", output);
    }

    [Fact]
    public async Task Replacing_a_value_shows_the_previous_one_and_history_keeps_both()
    {
        var output = await _bot.RunAsync(".remember k is one\n.remember K is two\n.remember history k\n");

        Assert.Contains("Updated `k`: two\n(was: one)", output);
        Assert.Contains("changed “one” → “two”", output);
        Assert.Contains("set to “one”", output);
    }

    [Fact]
    public async Task Servers_never_see_each_others_keys()
    {
        await _bot.RunAsync(".remember secret is 42\n", guild: "one");

        var other = await _bot.RunAsync(".remember secret\n.remember search\n", guild: "two");

        Assert.Equal("Nothing remembered for `secret`\nNothing remembered in this server yet.\n", other);
    }

    [Fact]
    public async Task Several_users_share_a_server_and_history_says_who()
    {
        await _bot.RunAsync(".remember lunch is pizza\n", user: "alice");
        await _bot.RunAsync(".remember lunch is sushi\n", user: "bob");

        var output = await _bot.RunAsync(".remember history\n", user: "carol");

        Assert.Contains("· bob · `lunch` changed “pizza” → “sushi”", output);
        Assert.Contains("· alice · `lunch` set to “pizza”", output);
    }

    [Fact]
    public async Task Invalid_utf8_and_huge_lines_get_clear_replies_and_the_bot_keeps_going()
    {
        var input = new List<byte>();
        input.AddRange(Encoding.UTF8.GetBytes(".remember a is b\n"));
        input.AddRange([0x2E, 0x72, 0x65, 0x6D, 0x20, 0xFF, 0xFE, 0x0A]); // ".rem \xFF\xFE"
        input.AddRange(Encoding.UTF8.GetBytes(".remember big is " + new string('x', 100_000) + "\n"));
        input.AddRange(Encoding.UTF8.GetBytes(".remember a\n"));

        var output = await _bot.RunBytesAsync([.. input]);

        var lines = output.Split('\n');
        Assert.Equal("Remembered `a`: b", lines[0]);
        Assert.Equal("That line is not valid UTF-8, so I could not read it. Nothing was done.", lines[1]);
        Assert.StartsWith("⚠️ That message is too long (100,017 characters", lines[2]);
        Assert.Equal("`a` is b", lines[3]);
    }

    [Fact]
    public async Task Keys_take_any_unicode_and_match_ignoring_case_and_spacing()
    {
        var output = await _bot.RunAsync(".rem a/b #c 🎉 \"q\" is party\n.remember  A/B   #C 🎉 \"Q\" \n");

        Assert.Equal("Remembered `a/b #c 🎉 \"q\"`: party\n`a/b #c 🎉 \"q\"` is party\n", output);
    }

    [Fact]
    public async Task Non_commands_are_ignored_and_the_prefix_is_configurable()
    {
        var output = await _bot.RunAsync("hello there\n!remember x is y\n.remember x\n", extra: new Dictionary<string, string?> { ["EVENTBOT_PREFIX"] = "!" });

        Assert.Equal("Remembered `x`: y\n", output);
    }

    public void Dispose() => _bot.Dispose();
}
