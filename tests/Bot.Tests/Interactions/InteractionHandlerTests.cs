using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Microsoft.Extensions.DependencyInjection;
using static EventBot.Discord.Interactions.InteractionCallbackType;

namespace EventBot.Bot.Tests.Interactions;

/// <summary>Slash commands through the real container: the same requests, pipeline, events and idempotency as prefix commands.</summary>
public sealed class InteractionHandlerTests : IAsyncLifetime
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

    private Task<IReadOnlyList<EventEnvelope>> StreamAsync(string key) =>
        _h.Host.Services.GetRequiredService<IEventReader>().ReadStreamAsync(new StreamName(RememberStream.For(BotHarness.Guild, MemoryKey.Parse(key))), 1, default);

    [Fact]
    public async Task Set_then_get_answer_with_the_value_as_type_4()
    {
        var set = await AnswerAsync(Slash.Command("remember", "set", ("key", "meeting"), ("value", "tomorrow")));
        var get = await AnswerAsync(Slash.Command("remember", "get", ("key", "meeting")));

        Assert.Equal(ChannelMessageWithSource, set.Type);
        Assert.Equal("Remembered `meeting`: tomorrow", set.Message!.Content);
        Assert.False(set.Message.Ephemeral);
        Assert.Equal("`meeting` is tomorrow", get.Message!.Content);
    }

    [Fact]
    public async Task The_interaction_id_is_the_idempotency_key_so_a_redelivery_appends_once()
    {
        var set = Slash.Command("remember", "set", ("key", "meeting"), ("value", "tomorrow"));
        await AnswerAsync(set);
        await AnswerAsync(Slash.Command("remember", "set", ("key", "meeting"), ("value", "friday")));

        // Delivered again after the key moved on: the decider would append, the idempotency key stops it.
        var again = await AnswerAsync(set);

        var events = await StreamAsync("meeting");
        Assert.Equal(2, events.Count);
        Assert.Equal($"discord:{set.Id}", events[0].Source);
        Assert.Equal("Already remembered (this message was handled before, as v1).", again.Message!.Content);
    }

    [Fact]
    public async Task Slash_and_prefix_commands_store_the_same_events()
    {
        await _h.SayAsync(".remember lunch is noon");
        await AnswerAsync(Slash.Command("remember", "set", ("key", "dinner"), ("value", "noon")));

        var (prefix, slash) = ((await StreamAsync("lunch")).Single(), (await StreamAsync("dinner")).Single());
        Assert.Equal(prefix.Type, slash.Type);
        Assert.Equal(prefix.Data.Replace("lunch", "dinner", StringComparison.Ordinal), slash.Data);
        Assert.Equal((prefix.ActorId, prefix.ActorName), (slash.ActorId, slash.ActorName));
    }

    [Fact]
    public async Task Validation_errors_are_ephemeral_and_read_as_the_prefix_ones()
    {
        var longKey = new string('k', 65);
        var prefix = await _h.SayAsync($".remember {longKey} is x");

        var slash = await AnswerAsync(Slash.Command("remember", "set", ("key", longKey), ("value", "x")));

        Assert.Equal(ChannelMessageWithSource, slash.Type);
        Assert.True(slash.Message!.Ephemeral);
        Assert.Equal(prefix, slash.Message.Content);
        Assert.Empty(await StreamAsync("k"));
    }

    [Fact]
    public async Task Help_is_personal_and_lists_the_slash_commands()
    {
        var help = await AnswerAsync(Slash.Command("help", null));

        Assert.True(help.Message!.Ephemeral);
        Assert.Contains("/remember set key: value:", help.Message.Embeds![0].Fields.Select(f => f.Name));
        Assert.Contains("/play dice [dice:] [target:]", help.Message.Embeds![0].Fields.Select(f => f.Name));
    }

    [Fact]
    public async Task A_sparkle_names_a_resolved_user_and_the_cooldown_answers_ephemerally()
    {
        var bob = Slash.User("bob");

        var first = await AnswerAsync(Slash.Command("sparkle", null, ("user", bob), ("reason", "the review")));
        var second = await AnswerAsync(Slash.Command("sparkle", null, ("user", bob)));

        Assert.Equal("✨ alice sparkled bob for “the review”: first sparkle! 🎉", first.Message!.Content);
        Assert.False(first.Message.Ephemeral);
        Assert.StartsWith("⚠️", second.Message!.Content, StringComparison.Ordinal);
        Assert.True(second.Message.Ephemeral);
    }

    [Fact]
    public async Task Dice_and_boards_bind_their_typed_options()
    {
        var dice = await AnswerAsync(Slash.Command("play", "dice", ("dice", "2d6"), ("target", 13L)));
        var board = await AnswerAsync(Slash.Command("leaderboard", null, ("board", "sparkles"), ("game", "dice")));
        var unknown = await AnswerAsync(Slash.Command("leaderboard", null, ("board", "play"), ("game", "chess")));

        // The value's own error, as the prefix form gives it (which adds its usage line).
        Assert.StartsWith(dice.Message!.Content!, await _h.SayAsync(".play dice 2d6 13"), StringComparison.Ordinal);
        Assert.True(dice.Message.Ephemeral);
        Assert.Equal("⚠️ The sparkles board has no games: leave `game` out, or pick the play board.", board.Message!.Content);
        Assert.Equal("⚠️ `chess` is not a game: games are rps, coin and dice.", unknown.Message!.Content);
    }

    [Fact]
    public async Task A_ping_is_answered_with_a_pong()
    {
        Assert.Equal(Pong, (await AnswerAsync(Slash.Ping())).Type);
    }

    [Fact]
    public async Task An_unknown_command_answers_ephemerally()
    {
        var answer = await AnswerAsync(Slash.Command("dance", null));

        Assert.True(answer.Message!.Ephemeral);
        Assert.Contains("/help", answer.Message.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Complete_runs_a_command_to_its_end_and_a_second_run_returns_the_first_outcome()
    {
        var set = Slash.Command("remember", "set", ("key", "meeting"), ("value", "tomorrow"));

        var first = await Handler.CompleteAsync(set, default);
        await Handler.CompleteAsync(Slash.Command("remember", "set", ("key", "meeting"), ("value", "friday")), default);
        var second = await Handler.CompleteAsync(set, default);

        Assert.Equal("Remembered `meeting`: tomorrow", first.Content);
        Assert.Equal("Already remembered (this message was handled before, as v1).", second.Content);
        Assert.Equal(2, (await StreamAsync("meeting")).Count);
    }
}

/// <summary>The acknowledgement budget: a reply not ready within it is deferred (type 5) and completes later.</summary>
public sealed class InteractionBudgetTests
{
    [Fact]
    public async Task With_no_budget_a_command_is_deferred_and_its_completion_carries_the_reply()
    {
        await using var h = await BotHarness.StartAsync(new Dictionary<string, string?> { ["EVENTBOT_INTERACTION_BUDGET_MS"] = "0" });
        var handler = h.Host.Services.GetRequiredService<InteractionHandler>();

        var start = await handler.StartAsync(Slash.Command("remember", "set", ("key", "meeting"), ("value", "tomorrow")), default);
        var help = await handler.StartAsync(Slash.Command("help", null), default);

        Assert.Equal(DeferredChannelMessageWithSource, start.First.Type);
        Assert.False(start.First.Message!.Ephemeral);
        Assert.Equal("Remembered `meeting`: tomorrow", (await start.Completion!).Content);
        Assert.True(help.First.Message!.Ephemeral); // a personal command is deferred ephemerally
        Assert.True((await help.Completion!).Ephemeral);
    }

    [Fact]
    public async Task A_validation_error_is_answered_at_once_even_with_no_budget()
    {
        await using var h = await BotHarness.StartAsync(new Dictionary<string, string?> { ["EVENTBOT_INTERACTION_BUDGET_MS"] = "0" });

        var start = await h.Host.Services.GetRequiredService<InteractionHandler>().StartAsync(Slash.Command("remember", "get", ("key", "")), default);

        Assert.Equal(ChannelMessageWithSource, start.First.Type);
        Assert.True(start.First.Message!.Ephemeral);
    }
}
