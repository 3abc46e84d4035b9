using EventBot.Bot.Chat;
using EventBot.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Snapshooter.Xunit;

namespace EventBot.Bot.Tests.Features.Remember;

public sealed class RememberSliceTests : IAsyncLifetime
{
    private BotHarness _h = null!;

    public async Task InitializeAsync() => _h = await BotHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(".remember", "⚠️ Usage: `.remember <key> is <value>`")]
    [InlineData(".remember is x", "⚠️ The key is empty.")]
    [InlineData(".remember k is", "⚠️ The value for `k` is empty.")]
    [InlineData(".remember k is   ", "⚠️ The value for `k` is empty.")]
    [InlineData(".forget", "⚠️ Usage: `.forget <key>`")]
    [InlineData(".frobnicate", "⚠️ Unknown command `.frobnicate`. Try `.help`.")]
    [InlineData(".", "⚠️ Unknown command `.`. Try `.help`.")]
    [InlineData("..", "⚠️ Unknown command `..`. Try `.help`.")]
    [InlineData(".?", "⚠️ Unknown command `.?`. Try `.help`.")]
    [InlineData(".remember delete meeting", "⚠️ Unknown `.remember` subcommand `delete`.")]
    [InlineData(".remember serch meeting", "⚠️ Unknown `.remember` subcommand `serch`.")]
    [InlineData(".remember history k page x", "⚠️ Usage: `.remember history [key] [page N]`")]
    [InlineData(".remember history k page 0", "⚠️ Usage: `.remember history [key] [page N]`")]
    public async Task Bad_input_gets_a_clear_reply_and_writes_nothing(string message, string expectedStart)
    {
        var reply = await _h.SayAsync(message);

        Assert.StartsWith(expectedStart, reply);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Over_long_keys_values_and_control_characters_are_refused_and_nothing_is_written()
    {
        Assert.Equal("⚠️ The key is longer than 64 characters (65)", await _h.SayAsync($".remember {new string('k', 65)} is v"));
        Assert.Equal("⚠️ The value is longer than 1,800 characters (1,801)", await _h.SayAsync($".remember k is {new string('v', 1801)}"));
        Assert.Equal("⚠️ The key contains control characters", await _h.SayAsync(".remember k\u0007ey is v"));
        Assert.Equal("⚠️ The value contains control characters (only new lines are allowed)", await _h.SayAsync(".remember k is v\u0000x"));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Limits_are_inclusive_and_counted_in_visible_characters()
    {
        var emojiKey = string.Concat(Enumerable.Repeat("👍🏽", 64));
        Assert.StartsWith("Remembered", await _h.SayAsync($".remember {emojiKey} is v"));
        Assert.StartsWith("Remembered", await _h.SayAsync($".remember k is {new string('v', 1800)}"));
    }

    [Fact]
    public async Task Is_must_be_a_whole_word()
    {
        Assert.Equal("Nothing remembered for `this thing`", await _h.SayAsync(".rem this thing"));
        Assert.Equal("Remembered `this island`: big", await _h.SayAsync(".remember this island IS big"));
        Assert.Equal("Remembered `search`: broken", await _h.SayAsync(".remember search is broken"));
    }

    [Fact]
    public async Task Keys_named_like_subcommands_are_read_back_with_get()
    {
        Assert.Equal("Remembered `history`: old times", await _h.SayAsync(".remember history is old times"));
        Assert.Equal("Remembered `search`: broken", await _h.SayAsync(".rem search is broken"));
        Assert.Equal("Remembered `get`: got", await _h.SayAsync(".remember get is got"));

        Assert.Equal("`history` is old times", await _h.SayAsync(".remember get history"));
        Assert.Equal("`search` is broken", await _h.SayAsync(".rem get SEARCH"));
        Assert.Equal("`get` is got", await _h.SayAsync(".remember get get"));
        Assert.Equal("Nothing remembered for `restore`", await _h.SayAsync(".remember get restore"));
        Assert.StartsWith("⚠️ Usage: `.remember get <key>`", await _h.SayAsync(".remember get"));
    }

    [Fact]
    public async Task Values_may_span_lines()
    {
        await _h.SayAsync(".remember recipe is flour\nwater\r\nsalt");

        Assert.Equal("`recipe` is flour\nwater\nsalt", await _h.SayAsync(".remember recipe"));
    }

    [Fact]
    public async Task Keys_display_as_first_written_while_alive()
    {
        await _h.SayAsync(".remember Team Lunch is friday");
        await _h.SayAsync(".remember team   LUNCH is monday");

        Assert.Equal("`Team Lunch` is monday", await _h.SayAsync(".remember TEAM lunch"));
    }

    [Fact]
    public async Task Setting_the_same_value_again_appends_nothing()
    {
        await _h.SayAsync(".remember k is v");

        Assert.Equal("`k` is already v", await _h.SayAsync(".remember K is v"));
        Assert.Single(await EventsAsync());
    }

    [Fact]
    public async Task A_redelivered_message_appends_once_even_after_the_value_moved_on()
    {
        var first = new ChatMessage("discord-123", BotHarness.Guild, BotHarness.User("alice"), ".remember k is v1", []);
        await _h.SendAsync(first);
        await _h.SayAsync(".remember k is v2");

        var redelivered = await _h.SendAsync(first);

        Assert.Equal("Already remembered (this message was handled before, as v1).", redelivered);
        Assert.Equal(2, (await EventsAsync()).Count);
        Assert.Equal("`k` is v2", await _h.SayAsync(".remember k"));
    }

    [Fact]
    public async Task Forgetting_nothing_says_so()
    {
        Assert.Equal("Nothing remembered for `ghost`", await _h.SayAsync(".forget ghost"));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Server_commands_in_a_dm_say_to_use_a_server()
    {
        var reply = await _h.SendAsync(new ChatMessage("dm-1", null, BotHarness.User("alice"), ".remember k is v", []));

        Assert.StartsWith("Use this in a server", reply);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Search_shows_twenty_best_first_then_counts_the_rest_of_this_server_only()
    {
        for (var i = 1; i <= 25; i++) await _h.SayAsync($".remember key {i:00} is value {i}");
        await _h.SayAsync(".remember other is elsewhere", guild: Domain.Common.GuildId.FromName("elsewhere"));
        await _h.SayAsync(".remember meeting room is 4b");
        await _h.SayAsync(".remember standup meeting is 9:30");

        var all = await _h.SayAsync(".remember search");
        var fuzzy = await _h.SayAsync(".remember search meetng");

        Assert.EndsWith("…and 7 more", all);
        Assert.Equal(21, all!.Split('\n').Length - 1);
        Assert.DoesNotContain("elsewhere", all);
        Assert.Equal(["Keys matching `meetng`:", "• `meeting room` — 4b", "• `standup meeting` — 9:30"], fuzzy!.Split('\n'));
    }

    [Fact]
    public async Task Search_finds_swapped_letters_and_lists_numbered_keys_in_counting_order()
    {
        foreach (var key in new[] { "key10", "key2", "key1", "my key", "other" }) await _h.SayAsync($".remember {key} is v");

        var all = await _h.SayAsync(".remember search");
        var typo = await _h.SayAsync(".remember search kye");

        Assert.Equal(["Keys in this server:", "• `key1` — v", "• `key2` — v", "• `key10` — v", "• `my key` — v", "• `other` — v"], all!.Split('\n'));
        Assert.Equal(["Keys matching `kye`:", "• `key1` — v", "• `key2` — v", "• `key10` — v", "• `my key` — v"], typo!.Split('\n'));
    }

    [Theory]
    [InlineData("kye", "key", 1)]
    [InlineData("key", "key", 0)]
    [InlineData("meetng", "meeting", 1)]
    [InlineData("abcd", "badc", 2)]
    public void Edit_distance_counts_a_swap_of_neighbours_as_one_edit(string a, string b, int expected) =>
        Assert.Equal(expected, EventBot.Bot.Features.Remember.FuzzyMatch.Distance(a, b));

    [Fact]
    public void Natural_order_counts_numbers()
    {
        var sorted = new[] { "key10", "key2", "key1", "key02", "a", "key" }.Order(EventBot.Bot.Features.Remember.NaturalOrder.Instance);

        Assert.Equal(["a", "key", "key1", "key02", "key2", "key10"], sorted);
    }

    [Fact]
    public async Task Server_history_says_how_many_pages_there_are()
    {
        for (var i = 1; i <= 23; i++) await _h.SayAsync($".remember k{i % 4} is v{i}");
        await _h.SayAsync(".forget k1");
        await _h.SayAsync(".remember elsewhere is x", guild: Domain.Common.GuildId.FromName("elsewhere"));

        var first = await _h.SayAsync(".remember history");
        var last = await _h.SayAsync(".remember history page 3");

        Assert.EndsWith("\npage 1 of 3 — next: `.remember history page 2`", first);
        Assert.EndsWith("\npage 3 of 3", last);
        Assert.Equal(4, last!.Split('\n').Length - 2);
    }

    [Theory]
    [InlineData("... right")]
    [InlineData(". hello")]
    [InlineData("...right")]
    [InlineData("...")]
    [InlineData(".?!")]
    public async Task Chat_that_only_starts_with_the_prefix_gets_no_answer(string message) =>
        Assert.Null(await _h.SayAsync(message));

    [Fact]
    public async Task History_pages_ten_per_reply_newest_first()
    {
        for (var i = 1; i <= 12; i++)
        {
            _h.Time.Advance(TimeSpan.FromMinutes(1));
            await _h.SayAsync($".remember k is v{i}", user: i % 2 == 0 ? "bob" : "alice");
        }

        var first = await _h.SayAsync(".remember history k");
        var second = await _h.SayAsync(".remember history k page 2");
        var beyond = await _h.SayAsync(".remember history k page 3");

        Snapshot.Match(new[] { first, second, beyond });
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        Snapshot.Match(await _h.SayAsync(".help"));
    }

    private async Task<IReadOnlyList<EventEnvelope>> EventsAsync()
    {
        var all = new List<EventEnvelope>();
        await foreach (var e in _h.Host.Services.GetRequiredService<IEventReader>().ReadAllAsync(default)) all.Add(e);
        return all;
    }

    private async Task AssertNothingStoredAsync() => Assert.Empty(await EventsAsync());
}
