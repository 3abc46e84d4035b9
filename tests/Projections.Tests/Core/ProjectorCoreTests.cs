using CsCheck;
using EventBot.Projections.Remember;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Core;

public sealed class ProjectorCoreTests : IDisposable
{
    private readonly ProjectorHarness _h = new();

    [Fact]
    public async Task Given_events_in_order_then_the_row_holds_the_latest_value_and_version()
    {
        var events = await _h.AppendAsync("Meeting", new ValueRemembered("Meeting", "today", null), new ValueRemembered("Meeting", "tomorrow", "today"));

        var result = await _h.Core.ProjectAsync(events, default);

        Assert.Null(result.FirstFailedIndex);
        Assert.Equal(new RememberedValue("Meeting", "tomorrow", true, 2, _h.Time.GetUtcNow(), "alice"), await _h.ValueAsync("meeting"));
    }

    [Fact]
    public async Task A_duplicate_delivery_is_skipped()
    {
        var first = await _h.AppendAsync("k", new ValueRemembered("k", "one", null));
        var second = await _h.AppendAsync("k", new ValueRemembered("k", "two", "one"));
        await _h.Core.ProjectAsync([.. first, .. second], default);

        await _h.Core.ProjectAsync(first, default);

        Assert.Equal("two", (await _h.ValueAsync("k"))!.Value);
    }

    [Fact]
    public async Task A_gap_is_filled_from_the_store_before_the_event_applies()
    {
        var events = await _h.AppendAsync("k", new ValueRemembered("k", "one", null), new ValueForgotten("k", "one"), new ValueRemembered("K", "three", null));

        await _h.Core.ProjectAsync([events[2]], default);

        var value = await _h.ValueAsync("k");
        Assert.Equal(("K", "three", 3L), (value!.Key, value.Value, value.Version));
        Assert.Equal(3, (await _h.DumpAsync()).Single().Applied);
    }

    [Fact]
    public async Task A_failing_record_stops_the_batch_there_and_earlier_records_stay_applied()
    {
        var a = await _h.AppendAsync("a", new ValueRemembered("a", "1", null));
        var b = await _h.AppendAsync("b", new ValueRemembered("b", "2", null));
        var c = await _h.AppendAsync("c", new ValueRemembered("c", "3", null));
        _h.Core.FaultInjector = e => e.StreamId == b[0].StreamId ? new InvalidOperationException("boom") : null;

        var result = await _h.Core.ProjectAsync([.. a, .. b, .. c], default);

        Assert.Equal(1, result.FirstFailedIndex);
        Assert.NotNull(await _h.ValueAsync("a"));
        Assert.Null(await _h.ValueAsync("b"));
        Assert.Null(await _h.ValueAsync("c"));
    }

    [Fact]
    public async Task Duplicated_and_reordered_delivery_gives_the_same_read_models_as_in_order_delivery()
    {
        // Seed a store with random histories over a few keys, project them in order once as the reference...
        var keys = new[] { "alpha", "Beta", "🎉 party", "a/b #c" };
        var random = new Random(7);
        foreach (var i in Enumerable.Range(0, 40))
        {
            var key = keys[random.Next(keys.Length)];
            var existing = (await _h.Store.ReadStreamAsync(new EventStore.StreamName(Domain.Remember.RememberStream.For(ProjectorHarness.Guild, Domain.Remember.MemoryKey.Parse(key))), 1, default)).Count;
            await _h.AppendAsync(key, existing > 0 && random.Next(4) == 0 ? new ValueForgotten(key, "x") : new ValueRemembered(key, $"v{i}", null));
        }
        var all = await _h.AllAsync();
        var reference = _h.NewCore(targetGeneration: 100);
        await reference.ProjectAsync(all, default);
        var expected = await _h.DumpAsync(100);

        // ...then check that any duplicated and shuffled delivery into a fresh generation converges to it.
        var generation = 200L;
        await Gen.Int[0, all.Count - 1].Array[all.Count, all.Count * 2].Select(Gen.Int).SampleAsync(async (picks, seed) =>
        {
            var rng = new Random(seed);
            var shuffled = picks.Select(p => all[p]).Concat(all).OrderBy(_ => rng.Next()).ToList();
            // Samples run in parallel: each writes its own generation.
            var mine = Interlocked.Increment(ref generation);
            var core = _h.NewCore(targetGeneration: mine);
            foreach (var chunk in shuffled.Chunk(7))
                Assert.Null((await core.ProjectAsync(chunk, default)).FirstFailedIndex);
            Assert.Equal(expected, await _h.DumpAsync(mine));
        }, iter: 50);
    }

    public void Dispose() => _h.Dispose();
}
