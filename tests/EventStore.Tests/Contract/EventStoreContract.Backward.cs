namespace EventBot.EventStore.Tests.Contract;

/// <summary>Reads whose cost is their page, not the stream (issue 19): backward pages, point reads, unfolds.</summary>
public abstract partial class EventStoreContract
{
    private async Task<IEventStore> StoreWithAsync(int events, string stream = "test/1/a")
    {
        var store = await CreateStoreAsync();
        var version = 0L;
        while (version < events)
        {
            var batch = (int)Math.Min(20, events - version);
            await store.AppendAsync(Stream(stream), version, [.. Enumerable.Range(1, batch).Select(i => Data($"e{version + i}"))], Context($"seed-{stream}-{version}"), default);
            version += batch;
        }
        return store;
    }

    [Fact]
    public async Task A_backward_read_from_the_end_returns_the_newest_events_first_up_to_the_limit()
    {
        var store = await StoreWithAsync(25);

        var page = await store.ReadStreamBackwardAsync(Stream(), StreamRead.FromEnd, 10, default);

        Assert.Equal([25L, 24, 23, 22, 21, 20, 19, 18, 17, 16], page.Select(e => e.Version));
        Assert.Equal("""{"text":"e25"}""", page[0].Data);
        Assert.Equal("test/1/a", page[0].StreamId);
    }

    [Fact]
    public async Task A_backward_read_below_a_version_starts_just_under_it_and_stops_at_version_one()
    {
        var store = await StoreWithAsync(25);

        Assert.Equal([14L, 13, 12], (await store.ReadStreamBackwardAsync(Stream(), 15, 3, default)).Select(e => e.Version));
        Assert.Equal([3L, 2, 1], (await store.ReadStreamBackwardAsync(Stream(), 4, 10, default)).Select(e => e.Version));
        Assert.Empty(await store.ReadStreamBackwardAsync(Stream(), 1, 10, default));
    }

    [Fact]
    public async Task A_point_read_is_a_backward_read_of_one_below_the_next_version()
    {
        var store = await StoreWithAsync(25);

        var point = Assert.Single(await store.ReadStreamBackwardAsync(Stream(), 8, 1, default));

        Assert.Equal((7L, """{"text":"e7"}"""), (point.Version, point.Data));
    }

    [Fact]
    public async Task A_backward_read_of_a_missing_stream_is_empty_and_other_streams_never_leak_in()
    {
        var store = await StoreWithAsync(3);
        await store.AppendAsync(Stream("test/1/b"), 0, [Data("b1")], Context("b"), default);

        Assert.Empty(await store.ReadStreamBackwardAsync(Stream("test/1/none"), StreamRead.FromEnd, 10, default));
        Assert.Equal([3L, 2, 1], (await store.ReadStreamBackwardAsync(Stream(), StreamRead.FromEnd, 100, default)).Select(e => e.Version));
        Assert.Equal(["""{"text":"b1"}"""], (await store.ReadStreamBackwardAsync(Stream("test/1/b"), StreamRead.FromEnd, 100, default)).Select(e => e.Data));
    }

    [Fact]
    public async Task An_unfold_is_stored_with_its_events_and_names_the_version_and_event_it_was_folded_up_to()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.ReadUnfoldAsync(Stream(), default));

        await store.AppendWithUnfoldAsync(Stream(), 0, [Data("a"), Data("b")], new UnfoldData("Count", 1, """{"n":2}"""), Context("m1"), default);
        var appended = Assert.IsType<AppendResult.Appended>(
            await store.AppendWithUnfoldAsync(Stream(), 2, [Data("c")], new UnfoldData("Count", 1, """{"n":3}"""), Context("m2"), default));

        var unfold = await store.ReadUnfoldAsync(Stream(), default);
        Assert.Equal(new StreamUnfold("Count", 1, """{"n":3}""", 3, appended.Events[0].EventId), unfold);
        // The unfold is not an event: stream reads, backward reads and the guild history never show it.
        Assert.Equal([1L, 2, 3], (await store.ReadStreamAsync(Stream(), 1, default)).Select(e => e.Version));
        Assert.Equal([3L, 2, 1], (await store.ReadStreamBackwardAsync(Stream(), StreamRead.FromEnd, 10, default)).Select(e => e.Version));
        Assert.Equal(3, (await store.ReadGuildHistoryAsync("1", "test", 0, 10, default)).Count);
        Assert.Equal(3, await CountAllAsync(store));
    }

    [Fact]
    public async Task An_append_that_fails_its_checks_stores_no_unfold_and_a_plain_append_leaves_the_old_one()
    {
        var store = await CreateStoreAsync();
        await store.AppendWithUnfoldAsync(Stream(), 0, [Data("a")], new UnfoldData("Count", 1, """{"n":1}"""), Context("m1"), default);

        var conflict = await store.AppendWithUnfoldAsync(Stream(), 0, [Data("x")], new UnfoldData("Count", 1, """{"n":99}"""), Context("m2"), default);
        var repeat = await store.AppendWithUnfoldAsync(Stream(), 1, [Data("x")], new UnfoldData("Count", 1, """{"n":98}"""), Context("m1"), default);
        await store.AppendAsync(Stream(), 1, [Data("b")], Context("m3"), default);

        Assert.IsType<AppendResult.WrongExpectedVersion>(conflict);
        Assert.IsType<AppendResult.AlreadyProcessed>(repeat);
        var unfold = await store.ReadUnfoldAsync(Stream(), default);
        Assert.Equal(("""{"n":1}""", 1L), (unfold!.Data, unfold.Version)); // stale now: readers see version 1 < 2 and fold the tail
    }

    private static async Task<int> CountAllAsync(IEventStore store)
    {
        var n = 0;
        await foreach (var _ in store.ReadAllAsync(default)) n++;
        return n;
    }
}
