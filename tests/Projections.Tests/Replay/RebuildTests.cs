using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using EventBot.Projections.Replay;
using EventBot.Projections.Tests.Core;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Replay;

public sealed class RebuildTests : IDisposable
{
    private readonly ProjectorHarness _h = new();

    private async Task ProjectLiveAsync() => Assert.Null((await _h.Core.ProjectAsync(await _h.AllAsync(), default)).FirstFailedIndex);

    [Fact]
    public async Task A_rebuild_of_a_seeded_store_equals_the_live_projection_and_removes_the_old_generation()
    {
        await ReplaySeed.SeedAsync(_h, 3_000);
        await ProjectLiveAsync();
        var live = await _h.DumpAsync(1);

        var result = await ReplaySeed.Rebuilder(_h).RunAsync([new RememberedValues()], null, default);

        Assert.Equal(3_000, result.Events);
        Assert.Equal([new GenerationFlip(RememberedValues.ProjectionName, 1, 2)], result.Flips);
        Assert.Equal(2, await _h.Generations.ActiveAsync(RememberedValues.ProjectionName, default));
        Assert.Equal(live, await _h.DumpAsync(2));
        Assert.Empty(await _h.DumpAsync(1));
    }

    [Fact]
    public async Task A_crashed_attempts_rows_are_cleared_by_the_next_rebuild_through_its_marker_and_the_live_generation_never()
    {
        await ReplaySeed.SeedAsync(_h, 1_000);
        await ProjectLiveAsync();
        var expected = await _h.DumpAsync(1);
        using var stop = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ReplaySeed.Rebuilder(_h, afterBatch: _ => stop.Cancel()).RunAsync([new RememberedValues()], null, stop.Token));
        Assert.Equal("2", await _h.Views.GetValueAsync(Rebuilder.BuildingName(RememberedValues.ProjectionName), default));
        // The attempt is abandoned (as another scope's would be) and left a row no rebuild writes.
        await _h.Views.SetValueAsync(Rebuilder.ProgressName([new RememberedValues()]), "", default);
        await PlantAsync(2, "stray");

        var result = await ReplaySeed.Rebuilder(_h).RunAsync([new RememberedValues()], null, default);

        Assert.False(result.Resumed);
        Assert.Equal(expected, await _h.DumpAsync(2)); // the stray row went with the attempt's generation
        Assert.Equal("", await _h.Views.GetValueAsync(Rebuilder.BuildingName(RememberedValues.ProjectionName), default));

        // Once a rebuild finished, nothing is being written: the next one clears nothing, the live generation above all.
        await _h.Views.SetValueAsync(Rebuilder.BuildingName(RememberedValues.ProjectionName), "2", default); // as if it crashed after the flip
        IReadOnlyList<(string, string, long)>? liveDuringRebuild = null;
        await ReplaySeed.Rebuilder(_h, afterBatch: _ => liveDuringRebuild ??= _h.DumpAsync(2).GetAwaiter().GetResult())
            .RunAsync([new RememberedValues()], null, default);
        Assert.Equal(expected, liveDuringRebuild);
        Assert.Equal(expected, await _h.DumpAsync(3));
    }

    [Fact]
    public async Task Without_any_marker_a_store_from_before_markers_has_its_next_generation_cleared()
    {
        await ReplaySeed.SeedAsync(_h, 500);
        await ProjectLiveAsync();
        var expected = await _h.DumpAsync(1);
        await PlantAsync(2, "stray");

        await ReplaySeed.Rebuilder(_h).RunAsync([new RememberedValues()], null, default);

        Assert.Equal(expected, await _h.DumpAsync(2));
    }

    /// <summary>A row in <paramref name="generation"/> that no event makes.</summary>
    private async Task PlantAsync(long generation, string sort) =>
        Assert.True(await _h.Views.TryWriteAsync(new ViewRow(new ViewKey(
            Generations.PhysicalPartition(RememberedValues.ProjectionName, generation, ProjectorHarness.Guild.ToString()), sort),
            "{}", new Dictionary<string, long> { ["stray"] = 1 }, 1), 0, default));

    [Fact]
    public async Task A_rebuild_interrupted_halfway_resumes_where_it_stopped_and_equals_an_uninterrupted_one()
    {
        await ReplaySeed.SeedAsync(_h, 2_000);
        await ProjectLiveAsync();
        var expected = await _h.DumpAsync(1);
        using var stop = new CancellationTokenSource();
        var seen = new List<long>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReplaySeed.Rebuilder(_h, afterBatch: done =>
        {
            seen.Add(done);
            if (done >= 1_000) stop.Cancel();
        }).RunAsync([new RememberedValues()], null, stop.Token));
        Assert.Equal(1, await _h.Generations.ActiveAsync(RememberedValues.ProjectionName, default)); // not flipped
        var resumedFrom = new List<long>();

        var result = await ReplaySeed.Rebuilder(_h, afterBatch: resumedFrom.Add).RunAsync([new RememberedValues()], null, default);

        Assert.True(result.Resumed);
        Assert.Equal(1_250, resumedFrom[0]); // the first batch after the saved 1,000: nothing read twice
        Assert.Equal(2_000, result.Events);
        Assert.Equal(expected, await _h.DumpAsync(2));
    }

    [Fact]
    public async Task Events_appended_during_the_rebuild_and_around_the_flip_are_in_the_new_generation()
    {
        await ReplaySeed.SeedAsync(_h, 1_000);
        await ProjectLiveAsync();
        var staleFeed = _h.NewCore(targetGeneration: 1); // a live feed that has not seen the flip yet
        var appended = false;
        var progress = new InlineProgress(p =>
        {
            // Right after the flip, before other processes can have seen it: the race the rebuild must cover.
            if (p.Phase != "settling after the flip" || appended) return;
            appended = true;
            var late = _h.AppendAsync("late", new ValueRemembered("late", "after the flip", null)).GetAwaiter().GetResult();
            staleFeed.ProjectAsync(late, default).GetAwaiter().GetResult();
        });

        await ReplaySeed.Rebuilder(_h, afterBatch: done =>
        {
            if (done == 250) _h.AppendAsync("during", new ValueRemembered("during", "mid-rebuild", null)).GetAwaiter().GetResult();
        }).RunAsync([new RememberedValues()], progress, default);

        Assert.True(appended);
        Assert.Equal("mid-rebuild", (await _h.ValueAsync("during", 2))!.Value);
        Assert.Equal("after the flip", (await _h.ValueAsync("late", 2))!.Value);
    }

    [Fact]
    public async Task A_rebuild_that_crashed_right_after_the_flip_finishes_on_resume_without_rewriting_the_live_generation()
    {
        await ReplaySeed.SeedAsync(_h, 800);
        await ProjectLiveAsync();
        var expected = await _h.DumpAsync(1);
        var crash = new InlineProgress(p => { if (p.Phase == "settling after the flip") throw new IOException("power cut"); });
        await Assert.ThrowsAsync<IOException>(() => ReplaySeed.Rebuilder(_h).RunAsync([new RememberedValues()], crash, default));
        Assert.Equal(2, await _h.Generations.ActiveAsync(RememberedValues.ProjectionName, default));
        await _h.AppendAsync("late", new ValueRemembered("late", "after the crash", null));
        var batches = new List<long>();

        var result = await ReplaySeed.Rebuilder(_h, afterBatch: batches.Add).RunAsync([new RememberedValues()], null, default);

        Assert.True(result.Resumed);
        Assert.Empty(batches); // no second main pass into the live generation
        Assert.Equal("after the crash", (await _h.ValueAsync("late", 2))!.Value);
        Assert.Equal(expected, (await _h.DumpAsync(2)).Where(r => r.Sort != "late").ToList());
        Assert.Empty(await _h.DumpAsync(1));
    }

    [Fact]
    public async Task Verify_reports_no_drift_on_a_healthy_store_and_leaves_nothing_behind()
    {
        await ReplaySeed.SeedAsync(_h, 1_500);
        await ProjectLiveAsync();

        var result = await ReplaySeed.Rebuilder(_h).VerifyAsync([new RememberedValues()], null, default);

        Assert.Empty(result.Drift);
        Assert.Equal(1_500, result.Events);
        Assert.Equal(1, await _h.Generations.ActiveAsync(RememberedValues.ProjectionName, default));
        Assert.Empty(await _h.Views.ListPartitionsAsync(Generations.GenerationPrefix(RememberedValues.ProjectionName, Generations.Scratch), default));
    }

    [Fact]
    public async Task Verify_reports_exactly_the_rows_that_were_tampered_with()
    {
        await _h.AppendAsync("a", new ValueRemembered("a", "one", null));
        await _h.AppendAsync("b", new ValueRemembered("b", "two", null));
        await _h.AppendAsync("c", new ValueRemembered("c", "three", null));
        await ProjectLiveAsync();
        var partition = Generations.PhysicalPartition(RememberedValues.ProjectionName, 1, ProjectorHarness.Guild.ToString());
        var a = (await _h.Views.GetAsync(new ViewKey(partition, "a"), default))!;
        Assert.True(await _h.Views.TryWriteAsync(a with { Body = a.Body.Replace("one", "tampered", StringComparison.Ordinal), Revision = a.Revision + 1 }, a.Revision, default));
        await _h.Views.DeleteAsync(new ViewKey(partition, "b"), default);
        Assert.True(await _h.Views.TryWriteAsync(new ViewRow(new ViewKey(partition, "ghost"), "{}", new Dictionary<string, long>(), 1), 0, default));

        var drift = (await ReplaySeed.Rebuilder(_h).VerifyAsync([new RememberedValues()], null, default)).Drift;

        Assert.Equal(
            [("a", DriftKind.Different), ("b", DriftKind.Missing), ("ghost", DriftKind.Extra)],
            drift.Select(d => (d.Sort, d.Kind)).ToList());
        Assert.Contains("tampered", drift[0].Live, StringComparison.Ordinal);
        Assert.Contains("one", drift[0].Rebuilt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_scoped_rebuild_rewrites_only_that_keys_row_in_place_with_its_applied_version()
    {
        await _h.AppendAsync("a", new ValueRemembered("a", "one", null), new ValueRemembered("a", "uno", "one"));
        await _h.AppendAsync("b", new ValueRemembered("b", "two", null));
        await ProjectLiveAsync();
        var partition = Generations.PhysicalPartition(RememberedValues.ProjectionName, 1, ProjectorHarness.Guild.ToString());
        foreach (var sort in new[] { "a", "b" })
        {
            var row = (await _h.Views.GetAsync(new ViewKey(partition, sort), default))!;
            await _h.Views.TryWriteAsync(row with { Body = "{\"key\":\"x\",\"live\":false,\"version\":0}", Applied = new Dictionary<string, long>(), Revision = row.Revision + 1 }, row.Revision, default);
        }
        var rows = new RowRebuilder(_h.Store, _h.Views, EventBot.EventStore.EventCodec.Default, _h.Generations);

        var result = await rows.RebuildScopeAsync([new RememberedValues()], ProjectorHarness.Guild.ToString(), (await _h.AllAsync())[0].StreamId, null, default);

        Assert.Equal((2L, 1, 1), (result.Events, result.Rows, result.Changed));
        var a = (await _h.Views.GetAsync(new ViewKey(partition, "a"), default))!;
        Assert.Equal(("uno", 2L), (RememberedValues.Read(a)!.Value, a.AppliedVersion((await _h.AllAsync())[0].StreamId)));
        Assert.Equal("x", (await _h.ValueAsync("b"))!.Key); // outside the scope: untouched
        var guild = await rows.RebuildScopeAsync([new RememberedValues()], ProjectorHarness.Guild.ToString(), null, null, default);
        Assert.Equal((3L, 2, 1), (guild.Events, guild.Rows, guild.Changed));
        Assert.Empty((await ReplaySeed.Rebuilder(_h).VerifyAsync([new RememberedValues()], null, default)).Drift);
    }

    public void Dispose() => _h.Dispose();
}
