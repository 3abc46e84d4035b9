using EventBot.Bot.Chat;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using Microsoft.Extensions.DependencyInjection;
using static EventBot.Discord.Interactions.InteractionCallbackType;

namespace EventBot.Bot.Tests.Interactions;

/// <summary>Autocomplete from the read models, and page buttons that show a page as it was at its first render.</summary>
public sealed class AutocompleteAndPagesTests : IAsyncLifetime
{
    private BotHarness _h = null!;

    private InteractionHandler Handler => _h.Host.Services.GetRequiredService<InteractionHandler>();

    public async Task InitializeAsync() => _h = await BotHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<InteractionResponse> AnswerAsync(DiscordInteraction interaction)
    {
        var start = await Handler.StartAsync(interaction, default);
        Assert.Null(start.Completion);
        return start.First;
    }

    [Fact]
    public async Task Keys_are_suggested_best_fuzzy_match_first_and_get_offers_live_keys_only()
    {
        foreach (var key in new[] { "meeting", "team meeting", "lunch", "mtg notes" }) await _h.SayAsync($".remember {key} is x");
        await _h.SayAsync(".forget lunch");

        var get = await AnswerAsync(Slash.Typing("remember", "get", "key", ("key", "mee")));
        var history = await AnswerAsync(Slash.Typing("remember", "history", "key", ("key", "lun")));
        var all = await AnswerAsync(Slash.Typing("remember", "get", "key", ("key", "")));

        Assert.Equal(ApplicationCommandAutocompleteResult, get.Type);
        Assert.Equal(["meeting", "team meeting"], get.Choices!.Select(c => c.Value));
        Assert.Equal([("lunch (forgotten)", "lunch")], history.Choices!.Select(c => (c.Name, c.Value)));
        Assert.Equal(["meeting", "mtg notes", "team meeting"], all.Choices!.Select(c => c.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("note 1")]
    [InlineData("not")]
    [InlineData("ntoe 1")]
    [InlineData("1")]
    public async Task With_more_matches_than_choices_the_first_25_are_those_search_ranks_first(string typed)
    {
        // Numbers that natural order and plain order disagree on, typos, substrings and forgotten keys, all scoring alike.
        var keys = Enumerable.Range(1, 24).SelectMany(i => new[] { $"note {i}", $"Nto {i * 7}", $"my note {i}0" }).ToList();
        foreach (var key in keys) await _h.SayAsync($".remember {key} is x");
        foreach (var key in keys.Where((_, i) => i % 5 == 0)) await _h.SayAsync($".forget {key}");
        var all = keys.Select((k, i) => new EventBot.Projections.Remember.RememberedValue(k, "x", i % 5 != 0, 1, default, "")).ToList();
        var ranked = EventBot.Bot.Features.Remember.Search.Rank(all, EventBot.Domain.Common.TextRules.Fold(typed));
        Assert.True(ranked.Count(v => v.Live) > Autocomplete.MaxChoices, "more matches than choices");
        string[] Expected(IEnumerable<EventBot.Projections.Remember.RememberedValue> values) =>
            [.. EventBot.Bot.Features.Remember.Search.Rank(values, EventBot.Domain.Common.TextRules.Fold(typed)).Take(Autocomplete.MaxChoices)
                .Select(v => v.Live ? v.Key : $"{v.Key} (forgotten)")];

        var get = await AnswerAsync(Slash.Typing("remember", "get", "key", ("key", typed)));
        var history = await AnswerAsync(Slash.Typing("remember", "history", "key", ("key", typed)));

        Assert.Equal(Expected(all.Where(v => v.Live)), get.Choices!.Select(c => c.Name));
        Assert.Equal(Expected(all), history.Choices!.Select(c => c.Name));
    }

    [Fact]
    public async Task At_most_25_keys_are_suggested_and_keys_too_long_for_a_choice_are_left_out()
    {
        for (var i = 0; i < 30; i++) await _h.SayAsync($".remember key{i} is x");
        var emoji = string.Concat(Enumerable.Repeat("👩‍💻", 20)); // 20 visible characters, 100 UTF-16 units
        await _h.SayAsync($".remember {emoji}x is long");

        var choices = (await AnswerAsync(Slash.Typing("remember", "get", "key", ("key", "")))).Choices!;

        Assert.Equal(25, choices.Count);
        Assert.All(choices, c => Assert.InRange(c.Name.Length, 1, 100));
        Assert.DoesNotContain(choices, c => c.Value.Length > 100);
    }

    [Fact]
    public async Task Restore_suggests_versions_with_their_value_and_age_newest_first_and_never_a_forget()
    {
        await _h.SayAsync(".remember meeting is monday");
        _h.Time.Advance(TimeSpan.FromDays(1));
        await _h.SayAsync(".forget meeting");
        _h.Time.Advance(TimeSpan.FromDays(1));
        await _h.SayAsync(".remember meeting is friday");
        _h.Time.Advance(TimeSpan.FromHours(3));

        var all = await AnswerAsync(Slash.Typing("remember", "restore", "version", ("key", "Meeting"), ("version", "")));
        var typed = await AnswerAsync(Slash.Typing("remember", "restore", "version", ("key", "meeting"), ("version", "1")));

        Assert.Equal([("v3 · “friday” · 3 hours ago", "3"), ("v1 · “monday” · 2 days ago", "1")], all.Choices!.Select(c => (c.Name, c.Value)));
        Assert.Equal(["1"], typed.Choices!.Select(c => c.Value));
    }

    [Fact]
    public async Task Game_names_are_suggested_for_the_play_board()
    {
        var choices = await AnswerAsync(Slash.Typing("leaderboard", null, "game", ("board", "play"), ("game", "d")));

        Assert.Equal(["dice"], choices.Choices!.Select(c => c.Value));
    }

    [Fact]
    public async Task A_history_page_from_a_button_is_the_page_as_it_was_even_after_the_key_changed()
    {
        for (var i = 1; i <= 12; i++) await _h.SayAsync($".remember meeting is x{i}");
        var first = (await AnswerAsync(Slash.Command("remember", "history", ("key", "meeting")))).Message!;
        var next = first.Components!.Single().Buttons.Single(b => b.Label == "▶");

        var page2 = await AnswerAsync(Slash.Click(next.CustomId));
        for (var i = 13; i <= 22; i++) await _h.SayAsync($".remember meeting is x{i}");
        var page2Later = await AnswerAsync(Slash.Click(next.CustomId));
        var page2Now = await _h.SayAsync(".remember history meeting page 2");

        Assert.True(first.Components!.Single().Buttons.Single(b => b.Label == "◀").Disabled);
        Assert.Equal(UpdateMessage, page2.Type);
        Assert.Contains("v2 · ", page2.Message!.Embeds![0].Description, StringComparison.Ordinal);
        Assert.Equal(page2.Message.Embeds[0].Description, page2Later.Message!.Embeds![0].Description);
        Assert.Equal("page 2 of 2", page2Later.Message.Embeds[0].Fields.Single().Value);
        Assert.DoesNotContain("v2 · ", page2Now, StringComparison.Ordinal); // the live page 2 has moved on
        Assert.True(page2.Message.Components!.Single().Buttons.Single(b => b.Label == "▶").Disabled);
    }

    [Fact]
    public async Task A_server_history_page_ignores_changes_made_after_its_first_render()
    {
        for (var i = 1; i <= 12; i++) await _h.SayAsync($".remember key{i} is x");
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        var first = (await AnswerAsync(Slash.Command("remember", "history"))).Message!;
        var next = first.Components!.Single().Buttons.Single(b => b.Label == "▶").CustomId;
        _h.Time.Advance(TimeSpan.FromSeconds(1));

        var before = await AnswerAsync(Slash.Click(next));
        for (var i = 13; i <= 17; i++) await _h.SayAsync($".remember key{i} is x");
        var after = await AnswerAsync(Slash.Click(next));

        Assert.Contains("`key2`", before.Message!.Embeds![0].Description, StringComparison.Ordinal);
        Assert.Equal(before.Message.Embeds![0].Description, after.Message!.Embeds![0].Description);
    }

    [Fact]
    public async Task The_longest_key_travels_as_a_hash_within_100_characters_and_its_button_still_works()
    {
        var key = string.Concat(Enumerable.Repeat("👩‍💻", MemoryKeyMax));
        for (var i = 1; i <= 11; i++) await _h.SayAsync($".remember {key} is v{i}");

        var first = (await AnswerAsync(Slash.Command("remember", "history", ("key", key)))).Message!;
        var next = first.Components!.Single().Buttons.Single(b => b.Label == "▶").CustomId;
        var page2 = await AnswerAsync(Slash.Click(next));

        Assert.InRange(next.Length, 1, PageCursor.MaxLength);
        Assert.Contains("|#", next, StringComparison.Ordinal);
        Assert.Equal(UpdateMessage, page2.Type);
        Assert.Contains("v1 · ", page2.Message!.Embeds![0].Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hk|1001|zzzzzzzzzzzz|")]
    [InlineData("nonsense")]
    [InlineData("xx|2|1|")]
    public async Task A_button_from_elsewhere_answers_ephemerally_and_leaves_the_message(string customId)
    {
        var answer = await AnswerAsync(Slash.Click(customId));

        Assert.Equal(ChannelMessageWithSource, answer.Type);
        Assert.True(answer.Message!.Ephemeral);
    }

    private const int MemoryKeyMax = Domain.Remember.MemoryKey.MaxLength;
}
