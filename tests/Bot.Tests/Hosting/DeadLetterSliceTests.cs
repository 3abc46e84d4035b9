using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Feeds;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Hosting;

/// <summary>Dead letters through the real container: the SQLite tail, the core and the configured policy.</summary>
public sealed class DeadLetterSliceTests
{
    [Fact]
    public async Task An_unknown_type_in_the_store_becomes_a_skipped_dead_letter_and_the_bot_keeps_projecting()
    {
        await using var h = await BotHarness.StartAsync(new Dictionary<string, string?> { ["EVENTBOT_DEAD_LETTER_ATTEMPTS"] = "1" });
        var store = h.Host.Services.GetRequiredService<IEventStore>();
        await h.SayAsync(".remember meeting is monday");
        // Written by a newer build into its own stream (the decider of a stream holding it could not load it either).
        var stream = new StreamName(RememberStream.For(BotHarness.Guild, MemoryKey.Parse("teleporter")));
        await store.AppendAsync(stream, 0, [new EventData("ValueTeleported", 1, "{\"key\":\"teleporter\"}")],
            new AppendContext(BotHarness.Guild.ToString(), "1", "newer build", "raw:teleport"), default);
        await h.Host.Services.GetRequiredService<SqliteTail>().CatchUpAsync(default);

        Assert.Equal("Updated `meeting`: friday\n(was: monday)", await h.SayAsync(".remember meeting is friday")); // read-your-writes: the tail went on
        Assert.Equal("`meeting` is friday", await h.SayAsync(".remember meeting"));
        var letter = Assert.Single(await h.Host.Services.GetRequiredService<DeadLetterStore>().ListAsync(default));
        Assert.Equal(($"{stream}@1", "ValueTeleported", DeadLetterStatus.Skipped, "raw:teleport"), (letter.Id, letter.Type, letter.Status, letter.CorrelationId));
        Assert.Equal(DeadLetterAction.Skip, h.Host.Services.GetRequiredService<DeadLetterPolicy>().ActionFor(null));
    }

    [Fact]
    public async Task With_the_stop_policy_the_tail_stalls_on_the_dead_letter_and_says_so()
    {
        await using var h = await BotHarness.StartAsync(new Dictionary<string, string?> { ["EVENTBOT_DEAD_LETTER_ATTEMPTS"] = "1", ["EVENTBOT_DEAD_LETTERS"] = "stop", ["EVENTBOT_READ_YOUR_WRITES_MS"] = "0" });
        var store = h.Host.Services.GetRequiredService<IEventStore>();
        var stream = new StreamName(RememberStream.For(BotHarness.Guild, MemoryKey.Parse("meeting")));
        await store.AppendAsync(stream, 0, [new EventData("ValueTeleported", 1, "{}")], new AppendContext(BotHarness.Guild.ToString(), "1", "x", "raw:1"), default);

        await Assert.ThrowsAsync<ProjectionStalledException>(() => h.Host.Services.GetRequiredService<SqliteTail>().CatchUpAsync(default));

        var letter = Assert.Single(await h.Host.Services.GetRequiredService<DeadLetterStore>().ListAsync(default));
        Assert.Equal(DeadLetterStatus.Stopped, letter.Status);
        // The write is saved and says so at once; the next read waits its bounded while and says the read model lags.
        Assert.Equal("Remembered `lunch`: soup", await h.SayAsync(".remember lunch is soup"));
        Assert.Equal("Nothing remembered for `lunch`\n" + EventBot.Bot.Pipeline.ReadYourWritesBehaviour<EventBot.Bot.Features.Remember.Recall.Query, Chat.Reply>.CatchingUp, await h.SayAsync(".remember lunch"));
    }
}
