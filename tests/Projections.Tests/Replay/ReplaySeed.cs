using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using EventBot.Projections.Tests.Core;
using Microsoft.Extensions.Logging.Abstractions;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Replay;

/// <summary>Seeding and rebuild helpers shared by the replay tests.</summary>
public static class ReplaySeed
{
    /// <summary>Random histories (sets, changes, forgets, re-sets) over <paramref name="keys"/> keys, <paramref name="events"/> events in all.</summary>
    public static async Task SeedAsync(ProjectorHarness h, int events, int keys = 150, int seed = 3)
    {
        var random = new Random(seed);
        var state = new Dictionary<int, string?>();
        for (var i = 0; i < events; i++)
        {
            var k = random.Next(keys);
            state.TryGetValue(k, out var current);
            Domain.Remember.RememberEvent e = current is not null && random.Next(5) == 0
                ? new ValueForgotten($"key {k}", current)
                : new ValueRemembered($"key {k}", $"value {i}", current);
            await h.AppendAsync($"key {k}", e);
            state[k] = e is ValueRemembered r ? r.Value : null;
        }
    }

    public static Rebuilder Rebuilder(ProjectorHarness h, int batchSize = 250, Action<long>? afterBatch = null) =>
        new(h.Store, h.Views, EventCodec.Default, h.Generations, h.Signals, NullLoggerFactory.Instance)
        {
            BatchSize = batchSize,
            FlipSettle = TimeSpan.Zero,
            AfterBatch = afterBatch,
        };
}
