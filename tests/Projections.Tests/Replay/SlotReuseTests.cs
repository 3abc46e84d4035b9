using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using EventBot.Projections.Replay;
using EventBot.Projections.Tests.Core;
using Microsoft.Extensions.Logging.Abstractions;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Replay;

/// <summary>
/// Rebuilds that alternate between two generation slots and overwrite the older one in place
/// (<see cref="Rebuilder.ReuseSlots"/>), on SQLite: the slot's stale rows never show after the flip, rows made again as
/// they were are not rewritten, and crashes, resumes and verify behave as with fresh generations.
/// </summary>
public sealed class SlotReuseTests : IDisposable
{
    private readonly ProjectorHarness _h = new();

    private static readonly IProjection[] Remember = [new RememberedValues()];

    private Rebuilder NewRebuilder(Action<long>? afterBatch = null) =>
        new(_h.Store, _h.Views, EventCodec.Default, _h.Generations, _h.Signals, NullLoggerFactory.Instance)
        {
            BatchSize = 250,
            FlipSettle = TimeSpan.Zero,
            AfterBatch = afterBatch,
            ReuseSlots = true,
        };

    private async Task ProjectLiveAsync(IReadOnlyList<EventEnvelope> events) => Assert.Null((await _h.Core.ProjectAsync(events, default)).FirstFailedIndex);

    /// <summary>Live rows in 1, rebuilt into 2 (slot 1 keeps its now stale copy), then history moves on in 2.</summary>
    private async Task<IReadOnlyList<(string Sort, string Body, long Applied)>> TwoSlotsAsync()
    {
        await ReplaySeed.SeedAsync(_h, 1_000, keys: 100);
        await ProjectLiveAsync(await _h.AllAsync());
        await NewRebuilder().RunAsync(Remember, null, default);
        Assert.Equal(2, await _h.Generations.ActiveAsync(RememberedValues.ProjectionName, default));
        Assert.NotEmpty(await _h.DumpAsync(1)); // the old slot stays: it is the next rebuild's target

        // History moves on in the live slot: a changed key, a forgotten one, a new one; and slot 1 holds a row no
        // event makes (as a crashed attempt or an older projection could have left).
        await ProjectLiveAsync(await _h.AppendAsync("key 1", new ValueRemembered("key 1", "changed after the first rebuild", null)));
        await ProjectLiveAsync(await _h.AppendAsync("brand new", new ValueRemembered("brand new", "only in the second history", null)));
        await PlantAsync(1, "stray");
        return await _h.DumpAsync(2);
    }

    [Fact]
    public async Task A_rebuild_alternates_slots_overwrites_only_changed_rows_and_sweeps_stale_ones()
    {
        var live = await TwoSlotsAsync();
        var before = await _h.DumpAsync(1);

        var result = await NewRebuilder().RunAsync(Remember, null, default);

        Assert.Equal([new GenerationFlip(RememberedValues.ProjectionName, 2, 1)], result.Flips);
        Assert.Equal(1, await _h.Generations.ActiveAsync(RememberedValues.ProjectionName, default));
        Assert.Equal(live, await _h.DumpAsync(1));
        Assert.DoesNotContain(await _h.DumpAsync(1), r => r.Sort == "stray");
        // key 1 changed and brand new is new: two rows written; the stray row deleted; every other row left as it was.
        Assert.Equal((2L, before.Count - 2L, 1L), result.Rows);
        Assert.Equal(live, await _h.DumpAsync(2)); // the slot flipped away from is kept for the next rebuild
        Assert.Empty((await NewRebuilder().VerifyAsync(Remember, null, default)).Drift);
    }

    [Fact]
    public async Task The_reused_slots_stale_rows_are_gone_before_the_flip_makes_it_live()
    {
        var live = await TwoSlotsAsync();
        IReadOnlyList<(string Sort, string Body, long Applied)>? atFlip = null;
        var progress = new InlineProgress(p =>
        {
            if (p.Phase == "settling after the flip") atFlip ??= _h.DumpAsync(1).GetAwaiter().GetResult();
        });

        await NewRebuilder().RunAsync(Remember, progress, default);

        Assert.Equal(live, atFlip); // what readers of the new slot can see from the flip on: no stray row, no old value
    }

    [Fact]
    public async Task A_crashed_rebuild_into_a_reused_slot_starts_its_pass_over_on_resume_and_leaves_no_stale_row()
    {
        var live = await TwoSlotsAsync();
        using var stop = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            NewRebuilder(done => { if (done >= 500) stop.Cancel(); }).RunAsync(Remember, null, stop.Token));
        Assert.Equal(2, await _h.Generations.ActiveAsync(RememberedValues.ProjectionName, default)); // not flipped

        var result = await NewRebuilder().RunAsync(Remember, null, default);

        Assert.True(result.Resumed);
        Assert.Equal(0, result.DoneBefore); // the slot's stale rows are known only from reading it: the pass starts over
        Assert.Equal(1_002, result.Events);
        Assert.Equal(live, await _h.DumpAsync(1));
        Assert.Equal(1L, result.Rows.Deleted);
    }

    [Fact]
    public async Task Rebuilds_keep_alternating_and_each_equals_the_history()
    {
        var live = await TwoSlotsAsync();
        for (var i = 0; i < 3; i++)
        {
            await ProjectLiveAsync(await _h.AppendAsync($"round {i}", new ValueRemembered($"round {i}", $"value {i}", null)));
            var active = await _h.Generations.ActiveAsync(RememberedValues.ProjectionName, default);
            var expected = await _h.DumpAsync(active);

            var result = await NewRebuilder().RunAsync(Remember, null, default);

            Assert.Equal(Rebuilder.Partner(active), Assert.Single(result.Flips).Next);
            Assert.Equal(expected, await _h.DumpAsync(Rebuilder.Partner(active)));
        }
        Assert.NotEqual(live, await _h.DumpAsync(1));
    }

    private async Task PlantAsync(long generation, string sort) =>
        Assert.True(await _h.Views.TryWriteAsync(new ViewRow(new ViewKey(
            Generations.PhysicalPartition(RememberedValues.ProjectionName, generation, ProjectorHarness.Guild.ToString()), sort),
            "{}", new Dictionary<string, long> { ["stray"] = 1 }, 1), 0, default));

    public void Dispose() => _h.Dispose();
}
