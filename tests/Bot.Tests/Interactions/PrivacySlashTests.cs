using EventBot.Bot.Chat;
using EventBot.Bot.Features.Privacy;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static EventBot.Discord.Interactions.InteractionCallbackType;

namespace EventBot.Bot.Tests.Interactions;

/// <summary>
/// The slash forms of the privacy commands: <c>/remember redact</c> decided from the interaction's member permissions,
/// <c>/privacy forget-me</c> confirmed with a button whose custom_id carries the confirmation, <c>/privacy export</c>.
/// </summary>
public sealed class PrivacySlashTests : IAsyncLifetime
{
    private const string Zeb = "Zebulonquux"; // distinctive, so finding it in a view is never a coincidence
    private const string Moderator = "8192"; // 1 << 13, Manage Messages
    private const string WithoutManageMessages = "2248473465835073"; // a real member's bits (Discord's example), Manage Messages not among them
    private BotHarness _h = null!;

    private InteractionHandler Handler => _h.Host.Services.GetRequiredService<InteractionHandler>();

    public async Task InitializeAsync() =>
        _h = await BotHarness.StartAsync(configure: services => services.AddSingleton(sp => new Rebuilder(sp.GetRequiredService<IEventReader>(),
            sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>(),
            sp.GetRequiredService<ProjectionSignals>(), sp.GetRequiredService<ILoggerFactory>())
        { FlipSettle = TimeSpan.Zero }));

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<InteractionResponse> AnswerAsync(DiscordInteraction interaction)
    {
        var start = await Handler.StartAsync(interaction, default);
        Assert.Null(start.Completion);
        return start.First;
    }

    private static DiscordInteraction Redact(string permissions, long version = 1) =>
        Slash.Command("remember", "redact", ("key", "pin"), ("version", version)) with { MemberPermissions = permissions };

    [Fact]
    public void The_member_permissions_of_an_interaction_reach_the_message_record()
    {
        var chat = SlashBinding.ToChat(Slash.Command("remember", "redact") with { MemberPermissions = Moderator }, "discord");
        var member = SlashBinding.ToChat(Slash.Command("remember", "redact") with { MemberPermissions = WithoutManageMessages }, "discord");
        var dm = SlashBinding.ToChat(Slash.Command("remember", "redact") with { MemberPermissions = null, GuildId = null }, "discord");

        Assert.Equal(ChatMessage.ManageMessages, chat.MemberPermissions);
        Assert.True(chat.IsModerator);
        Assert.Equal(2248473465835073UL, member.MemberPermissions);
        Assert.False(member.IsModerator);
        Assert.Null(dm.MemberPermissions);
    }

    [Fact]
    public async Task Redact_works_for_a_member_with_Manage_Messages_and_is_refused_without_it()
    {
        await _h.SayAsync(".remember pin is 4321-zebpin", user: "alice");

        var refused = await AnswerAsync(Redact(WithoutManageMessages));
        Assert.Equal(ChannelMessageWithSource, refused.Type);
        Assert.True(refused.Message!.Ephemeral);
        Assert.Contains("needs the Manage Messages permission", refused.Message.Content, StringComparison.Ordinal);
        Assert.Contains("4321-zebpin", await _h.SayAsync(".remember pin"), StringComparison.Ordinal);

        var redacted = await AnswerAsync(Redact(Moderator));
        Assert.StartsWith("Redacted v1 of `pin`", redacted.Message!.Content, StringComparison.Ordinal);
        Assert.False(redacted.Message.Ephemeral);
        Assert.Contains("was redacted", await _h.SayAsync(".remember pin"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redact_versions_are_suggested_without_the_redacted_ones()
    {
        await _h.SayAsync(".remember pin is one", user: "alice");
        await _h.SayAsync(".remember pin is two", user: "alice");
        await AnswerAsync(Redact(Moderator, version: 1));

        var choices = (await AnswerAsync(Slash.Typing("remember", "redact", "version", ("key", "pin"), ("version", ""))
            with
        { MemberPermissions = Moderator })).Choices!;
        var keys = (await AnswerAsync(Slash.Typing("remember", "redact", "key", ("key", "pi")))).Choices!;

        Assert.Equal(["2"], choices.Select(c => c.Value));
        Assert.Equal(["pin"], keys.Select(c => c.Value));
    }

    [Fact]
    public async Task Forget_me_asks_with_a_danger_button_and_its_click_forgets_and_removes_the_button()
    {
        await _h.SayAsync(".sparkle @alice for the review", user: Zeb);

        var ask = await AnswerAsync(Slash.Command("privacy", "forget-me").As(Zeb));
        Assert.Equal(ChannelMessageWithSource, ask.Type);
        Assert.True(ask.Message!.Ephemeral);
        Assert.Contains("cannot be undone", ask.Message.Content, StringComparison.Ordinal);
        var button = Assert.Single(Assert.Single(ask.Message.Components!).Buttons);
        Assert.Equal(4, button.Style);
        Assert.True(button.CustomId.Length <= 100);

        _h.Time.Advance(TimeSpan.FromSeconds(30));
        var done = await AnswerAsync(Slash.Click(button.CustomId, user: Zeb));

        Assert.Equal(UpdateMessage, done.Type);
        Assert.StartsWith("You are forgotten", done.Message!.Content, StringComparison.Ordinal);
        Assert.Empty(done.Message.Components!);
        var sparkles = await _h.SayAsync(".show sparkles @alice", user: "alice");
        Assert.DoesNotContain(Zeb, sparkles, StringComparison.Ordinal);
        Assert.Contains("[erased user]", sparkles, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_run_of_the_same_erasure_interaction_answers_its_first_outcome()
    {
        // On Lambda the queue worker runs a deferred interaction again after the function froze, often after the function's
        // own run had already destroyed the keys and appended the erasure event: the second run must say what the first did.
        await _h.SayAsync(".sparkle @alice for the review", user: Zeb);
        await _h.SayAsync(".remember pin is 4321-zebpin", user: "alice");
        var button = (await AnswerAsync(Slash.Command("privacy", "forget-me").As(Zeb))).Message!.Components![0].Buttons[0];
        var click = Slash.Click(button.CustomId, user: Zeb);
        var redact = Redact(Moderator);

        var forgotten = await AnswerAsync(click);
        var again = await Handler.CompleteAsync(click, default);
        var redacted = await AnswerAsync(redact);
        var redactedAgain = await Handler.CompleteAsync(redact, default);
        var anotherModerator = await AnswerAsync(Redact(Moderator)); // a new interaction id
        var anotherClick = await AnswerAsync(Slash.Click(button.CustomId, user: Zeb));

        Assert.StartsWith("You are forgotten", forgotten.Message!.Content, StringComparison.Ordinal);
        Assert.StartsWith("You are forgotten", again.Content, StringComparison.Ordinal);
        Assert.StartsWith("Redacted v1 of `pin`", redacted.Message!.Content, StringComparison.Ordinal);
        Assert.StartsWith("Redacted v1 of `pin`", redactedAgain.Content, StringComparison.Ordinal);
        // A new request (another interaction) is told the truth: done already, nothing left.
        Assert.Contains("already redacted", anotherModerator.Message!.Content, StringComparison.Ordinal);
        Assert.StartsWith("Nothing stored names you", anotherClick.Message!.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_confirm_button_counts_only_for_its_user_and_within_60_seconds()
    {
        await _h.SayAsync(".sparkle @alice for the review", user: Zeb);
        var button = (await AnswerAsync(Slash.Command("privacy", "forget-me").As(Zeb))).Message!.Components![0].Buttons[0];

        var someoneElse = await AnswerAsync(Slash.Click(button.CustomId, user: "alice"));
        _h.Time.Advance(TimeSpan.FromSeconds(61));
        var late = await AnswerAsync(Slash.Click(button.CustomId, user: Zeb));

        Assert.Equal(ChannelMessageWithSource, someoneElse.Type);
        Assert.True(someoneElse.Message!.Ephemeral);
        Assert.Contains("someone else's request", someoneElse.Message.Content, StringComparison.Ordinal);
        Assert.Equal(ChannelMessageWithSource, late.Type);
        Assert.True(late.Message!.Ephemeral);
        Assert.Contains("more than 60 seconds old", late.Message.Content, StringComparison.Ordinal);
        Assert.Contains(Zeb, await _h.SayAsync(".show sparkles @alice", user: "alice"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_confirm_button_round_trips_and_other_ids_are_not_one()
    {
        var button = new ForgetMe.ConfirmButton(BotHarness.User("alice").Id, new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));

        Assert.Equal(button, ForgetMe.ConfirmButton.Parse(button.Encode()));
        Assert.Null(ForgetMe.ConfirmButton.Parse("hk|2|abc|meeting"));
        Assert.Null(ForgetMe.ConfirmButton.Parse("forget-me|x|abc"));
        Assert.Null(ForgetMe.ConfirmButton.Parse(null));
    }

    [Fact]
    public async Task Export_on_Discord_is_deferred_ephemerally_and_the_file_goes_with_the_edit_of_original()
    {
        await _h.SayAsync(".remember pin is 4242", user: "alice");
        await _h.SayAsync(".remember door is 1111", user: "bob");

        var start = await Handler.StartAsync(Slash.Command("privacy", "export"), default);

        // A file never rides on the callback: type 5, flag 64, then the edit of @original carries it.
        Assert.Equal(DeferredChannelMessageWithSource, start.First.Type);
        Assert.True(start.First.Message!.Ephemeral);
        var message = await start.Completion!;
        var file = Assert.Single(message.Files!);
        Assert.EndsWith(".json", file.FileName, StringComparison.Ordinal);
        Assert.Contains("This server only", message.Content, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(file.Content);
        Assert.Equal("4242", Assert.Single(json.RootElement.EnumerateArray()).GetProperty("data").GetProperty("value").GetString());
    }
}
