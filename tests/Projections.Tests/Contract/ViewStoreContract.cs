using EventBot.Projections.Core;

namespace EventBot.Projections.Tests.Contract;

/// <summary>
/// What every view store promises (rows by key, partitions in sort order, conditional writes whose conflict is a
/// value, batch writes, partition deletes, named values). Each backend runs this suite through a one-line subclass,
/// so SQLite and DynamoDB cannot drift apart in behaviour.
/// </summary>
public abstract class ViewStoreContract
{
    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<IViewStore> CreateStoreAsync();

    private static ViewRow Row(string partition, string sort, string body = "{}", long version = 1, long revision = 1) =>
        new(new ViewKey(partition, sort), body, new Dictionary<string, long> { ["s"] = version }, revision);

    [Fact]
    public async Task A_written_row_reads_back_with_its_body_applied_versions_and_revision()
    {
        var views = await CreateStoreAsync();
        var row = new ViewRow(new ViewKey("remember#1#g1", "team lunch"), """{"value":"Ålice 🎉"}""",
            new Dictionary<string, long> { ["remember/1/a"] = 3, ["remember/1/b"] = 7 }, 1);

        Assert.True(await views.TryWriteAsync(row, 0, default));

        var read = await views.GetAsync(row.Key, default);
        Assert.NotNull(read);
        Assert.Equal("""{"value":"Ålice 🎉"}""", read.Body);
        Assert.Equal(3, read.AppliedVersion("remember/1/a"));
        Assert.Equal(7, read.AppliedVersion("remember/1/b"));
        Assert.Equal(0, read.AppliedVersion("remember/1/c"));
        Assert.Equal(1, read.Revision);
        Assert.Null(await views.GetAsync(new ViewKey("remember#1#g1", "other"), default));
    }

    [Fact]
    public async Task Writing_a_new_row_over_an_existing_one_is_a_conflict_value_and_changes_nothing()
    {
        var views = await CreateStoreAsync();
        Assert.True(await views.TryWriteAsync(Row("p", "k", """{"n":1}"""), 0, default));

        Assert.False(await views.TryWriteAsync(Row("p", "k", """{"n":2}"""), 0, default));

        Assert.Equal("""{"n":1}""", (await views.GetAsync(new ViewKey("p", "k"), default))!.Body);
    }

    [Fact]
    public async Task An_update_needs_the_revision_it_read()
    {
        var views = await CreateStoreAsync();
        await views.TryWriteAsync(Row("p", "k", """{"n":1}""", version: 1, revision: 1), 0, default);

        Assert.True(await views.TryWriteAsync(Row("p", "k", """{"n":2}""", version: 2, revision: 2), 1, default));
        Assert.False(await views.TryWriteAsync(Row("p", "k", """{"n":3}""", version: 3, revision: 2), 1, default));
        Assert.False(await views.TryWriteAsync(Row("p", "absent", """{"n":3}""", revision: 2), 1, default));

        var read = await views.GetAsync(new ViewKey("p", "k"), default);
        Assert.Equal("""{"n":2}""", read!.Body);
        Assert.Equal(2, read.Revision);
        Assert.Equal(2, read.AppliedVersion("s"));
        Assert.Null(await views.GetAsync(new ViewKey("p", "absent"), default));
    }

    [Fact]
    public async Task A_partitions_bodies_are_its_rows_bodies_in_sort_order()
    {
        var views = await CreateStoreAsync();
        foreach (var (sort, body) in new[] { ("b", """{"key":"B"}"""), ("a", """{"key":"A 🎉"}"""), ("c", "{}") })
            await views.TryWriteAsync(Row("guild#1", sort, body), 0, default);
        await views.TryWriteAsync(Row("guild#10", "a", """{"key":"other"}"""), 0, default);

        var bodies = await views.QueryBodiesAsync("guild#1", default);

        Assert.Equal(["""{"key":"A 🎉"}""", """{"key":"B"}""", "{}"], bodies);
        Assert.Equal((await views.QueryAsync("guild#1", default)).Select(r => r.Body), bodies);
        Assert.Empty(await views.QueryBodiesAsync("guild#2", default));
    }

    [Fact]
    public async Task A_partition_reads_in_sort_order_and_holds_nothing_of_partitions_that_share_its_prefix()
    {
        var views = await CreateStoreAsync();
        foreach (var sort in new[] { "b", "a", "c/with#slash", "🎉" }) await views.TryWriteAsync(Row("guild#1", sort), 0, default);
        await views.TryWriteAsync(Row("guild#10", "a"), 0, default);
        await views.TryWriteAsync(Row("guild#", "a"), 0, default);

        var rows = await views.QueryAsync("guild#1", default);

        Assert.Equal(["a", "b", "c/with#slash", "🎉"], rows.Select(r => r.Key.Sort));
        Assert.All(rows, r => Assert.Equal("guild#1", r.Key.Partition));
        Assert.Empty(await views.QueryAsync("guild#2", default));
    }

    [Fact]
    public async Task A_batch_of_new_rows_is_written_whole()
    {
        var views = await CreateStoreAsync();
        var batch = Assert.IsAssignableFrom<IBatchViewStore>(views);
        var rows = Enumerable.Range(0, 60).Select(i => Row("batch", $"k{i:D2}", $$"""{"i":{{i}}}""")).ToList();

        await batch.WriteNewRowsAsync(rows, default);

        var read = await views.QueryAsync("batch", default);
        Assert.Equal(rows.Select(r => r.Key.Sort), read.Select(r => r.Key.Sort));
        Assert.Equal("""{"i":59}""", read[^1].Body);
    }

    [Fact]
    public async Task A_checked_batch_writes_every_row_when_every_revision_holds()
    {
        var views = await CreateStoreAsync();
        var batch = Assert.IsAssignableFrom<IBatchViewStore>(views);
        await views.TryWriteAsync(Row("batch", "old", """{"n":1}"""), 0, default);

        await batch.WriteBatchAsync([(Row("batch", "old", """{"n":2}""", revision: 2), 1), (Row("batch", "new"), 0)], default);

        Assert.Equal("""{"n":2}""", (await views.GetAsync(new ViewKey("batch", "old"), default))!.Body);
        Assert.NotNull(await views.GetAsync(new ViewKey("batch", "new"), default));
    }

    [Fact]
    public async Task A_checked_batch_with_a_stale_revision_throws_the_conflict()
    {
        var views = await CreateStoreAsync();
        var batch = Assert.IsAssignableFrom<IBatchViewStore>(views);
        await views.TryWriteAsync(Row("batch", "old", """{"n":1}""", revision: 5), 0, default);

        var conflict = await Assert.ThrowsAsync<ViewWriteConflictException>(() =>
            batch.WriteBatchAsync([(Row("batch", "old", """{"n":2}""", revision: 2), 1)], default));

        Assert.Equal(new ViewKey("batch", "old"), conflict.Key);
        Assert.Equal("""{"n":1}""", (await views.GetAsync(new ViewKey("batch", "old"), default))!.Body);
    }

    [Fact]
    public async Task Deleting_a_row_removes_it_alone_and_deleting_an_absent_row_is_harmless()
    {
        var views = await CreateStoreAsync();
        await views.TryWriteAsync(Row("p", "a"), 0, default);
        await views.TryWriteAsync(Row("p", "b"), 0, default);

        await views.DeleteAsync(new ViewKey("p", "a"), default);
        await views.DeleteAsync(new ViewKey("p", "absent"), default);

        Assert.Equal(["b"], (await views.QueryAsync("p", default)).Select(r => r.Key.Sort));
    }

    [Fact]
    public async Task Partitions_are_listed_once_each_by_prefix()
    {
        var views = await CreateStoreAsync();
        foreach (var (partition, sort) in new[] { ("remember#1#g1", "a"), ("remember#1#g1", "b"), ("remember#1#g2", "a"), ("remember#2#g1", "a"), ("sparkle#1#g1", "a") })
            await views.TryWriteAsync(Row(partition, sort), 0, default);

        var listed = await views.ListPartitionsAsync("remember#1#", default);

        Assert.Equal(["remember#1#g1", "remember#1#g2"], listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Named_values_are_absent_until_set_and_the_last_set_wins()
    {
        var views = await CreateStoreAsync();
        Assert.Null(await views.GetValueAsync("pointer/remember", default));

        await views.SetValueAsync("pointer/remember", "1", default);
        await views.SetValueAsync("pointer/remember", "2", default);
        await views.SetValueAsync("rebuild/remember", "", default);

        Assert.Equal("2", await views.GetValueAsync("pointer/remember", default));
        Assert.Equal("", await views.GetValueAsync("rebuild/remember", default));
    }

    [Fact]
    public async Task Rows_under_any_of_the_prefixes_go_counted_per_prefix_and_nothing_else_does()
    {
        var views = await CreateStoreAsync();
        var rows = new List<ViewKey>();
        for (var i = 0; i < 60; i++) rows.Add(new ViewKey(Generations.PhysicalPartition("remember", 1, $"g{i % 4}"), $"k{i}"));
        for (var i = 0; i < 7; i++) rows.Add(new ViewKey(Generations.PhysicalPartition("sparkle", 3, "g1"), $"u{i}"));
        for (var i = 0; i < 5; i++) rows.Add(new ViewKey(Generations.PhysicalPartition("remember", 11, "g1"), $"k{i}")); // generation 11 starts like 1
        rows.Add(new ViewKey(Generations.PhysicalPartition("sparkle", 2, "g1"), "u0"));
        foreach (var key in rows) Assert.True(await views.TryWriteAsync(new ViewRow(key, "{}", new Dictionary<string, long> { ["s"] = 1 }, 1), 0, default));
        await views.SetValueAsync("pointer/remember", "11", default);

        var deleted = await views.DeletePartitionsAsync(
            [Generations.GenerationPrefix("remember", 1), Generations.GenerationPrefix("sparkle", 3), Generations.GenerationPrefix("play", 1)], default);

        Assert.Equal([60L, 7L, 0L], deleted);
        for (var g = 0; g < 4; g++) Assert.Empty(await views.QueryAsync(Generations.PhysicalPartition("remember", 1, $"g{g}"), default));
        Assert.Empty(await views.QueryAsync(Generations.PhysicalPartition("sparkle", 3, "g1"), default));
        Assert.Equal(5, (await views.QueryAsync(Generations.PhysicalPartition("remember", 11, "g1"), default)).Count);
        Assert.Single(await views.QueryAsync(Generations.PhysicalPartition("sparkle", 2, "g1"), default));
        Assert.Equal("11", await views.GetValueAsync("pointer/remember", default));
        Assert.Equal([], await views.DeletePartitionsAsync([], default));
    }
}
