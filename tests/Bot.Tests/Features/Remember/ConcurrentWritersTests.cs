using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Features.Remember;

/// <summary>Sixteen people set the same key at the same moment, through the whole bot, on both stores.</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class ConcurrentWritersTests(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public Task On_SQLite_every_writer_gets_exactly_one_version() => RunAsync(null);

    [Fact]
    public Task On_DynamoDB_every_writer_gets_exactly_one_version() => RunAsync(DynamoDbBot.Environment(dynamo));

    private static async Task RunAsync(Dictionary<string, string?>? environment)
    {
        await using var h = await BotHarness.StartAsync(environment, fakeTime: environment is null);
        const int writers = 16;

        var replies = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(() => h.SayAsync($".remember hot key is value {i}", user: $"user{i}"))));

        Assert.All(replies, r => Assert.Matches("^(Remembered|Updated) `hot key`", r));
        var events = await h.Host.Services.GetRequiredService<IEventReader>().ReadStreamAsync(
            new StreamName(RememberStream.For(BotHarness.Guild, MemoryKey.Parse("hot key"))), 1, default);
        Assert.Equal(Enumerable.Range(1, writers).Select(v => (long)v), events.Select(e => e.Version));
        Assert.Equal(writers, events.Select(e => e.ActorName).Distinct().Count());
        var last = (RememberEvent.ValueRemembered)EventCodec.Default.Decode(events[^1]);
        Assert.Equal($"`hot key` is {last.Value}", await h.SayAsync(".remember hot key"));
    }
}
