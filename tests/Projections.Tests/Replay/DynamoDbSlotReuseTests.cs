using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.Projections.Core;
using EventBot.Projections.DynamoDb;
using EventBot.Projections.Remember;
using EventBot.Projections.Replay;
using EventBot.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Replay;

/// <summary>
/// Slot reuse on DynamoDB Local (<see cref="Rebuilder.ReuseSlots"/>, as the composition turns it on there): the slot is
/// read by one consistent Scan, overwritten by BatchWriteItem, its stale rows deleted before the flip; a crash resumes.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbSlotReuseTests(DynamoDbLocalFixture dynamo)
{
    private const long Guild = 7;

    [Fact]
    public async Task Rebuilds_alternate_between_two_slots_and_the_reused_slot_shows_no_stale_row_after_the_flip()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix)) await dynamo.Client.CreateTableAsync(table);
        var options = new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 4 };
        var store = new DynamoDbEventStore(dynamo.Client, options, new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero)));
        var views = new DynamoDbViewStore(dynamo.Client, options);
        Assert.True(((IBatchViewStore)views).PrefersSlotReuse);
        var generations = new Generations(views);
        var signals = new ProjectionSignals();
        IProjection[] projections = [new RememberedValues()];
        var live = new ProjectorCore(projections, views, store, EventCodec.Default, generations, signals, NullLogger<ProjectorCore>.Instance);
        var versions = new Dictionary<int, long>();
        async Task RememberAsync(int k, string value)
        {
            versions.TryGetValue(k, out var v);
            var key = Domain.Remember.MemoryKey.Parse($"key {k}");
            var result = await store.AppendAsync(new StreamName(Domain.Remember.RememberStream.For(new Domain.Common.GuildId(Guild), key)), v,
                [EventCodec.Default.Encode(new ValueRemembered(key.Display, value, null))], new AppendContext("7", "1", "alice", $"m{Guid.NewGuid():N}"), default);
            versions[k] = v + 1;
            Assert.Null((await live.ProjectAsync(((AppendResult.Appended)result).Events, default)).FirstFailedIndex);
        }
        for (var i = 0; i < 300; i++) await RememberAsync(i % 40, $"value {i}");
        using var stop = new CancellationTokenSource();
        Rebuilder NewRebuilder(Action<long>? after = null) => new(store, views, EventCodec.Default, generations, signals, NullLoggerFactory.Instance)
        {
            BatchSize = 100,
            FlipSettle = TimeSpan.Zero,
            AfterBatch = after,
            ReuseSlots = true,
        };

        await NewRebuilder().RunAsync(projections, null, default);
        Assert.Equal(2, await generations.ActiveAsync(RememberedValues.ProjectionName, default));
        Assert.Equal(await DumpAsync(views, 2), await DumpAsync(views, 1)); // slot 1 kept: the next rebuild's target

        await RememberAsync(3, "changed after the first rebuild");
        await RememberAsync(99, "a key of the second history only");
        Assert.True(await views.TryWriteAsync(new ViewRow(new ViewKey(Generations.PhysicalPartition(RememberedValues.ProjectionName, 1, "7"), "stray"),
            "{}", new Dictionary<string, long> { ["stray"] = 1 }, 1), 0, default));
        var expected = await DumpAsync(views, 2);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            NewRebuilder(done => { if (done >= 200) stop.Cancel(); }).RunAsync(projections, null, stop.Token));

        var result = await NewRebuilder().RunAsync(projections, null, default);

        Assert.True(result.Resumed);
        Assert.Equal(1, await generations.ActiveAsync(RememberedValues.ProjectionName, default));
        Assert.Equal(expected, await DumpAsync(views, 1));
        Assert.Equal(1L, result.Rows.Deleted); // the stray row
        Assert.Empty((await NewRebuilder().VerifyAsync(projections, null, default)).Drift);
    }

    private static async Task<List<(string, string, string)>> DumpAsync(DynamoDbViewStore views, long generation) =>
        [.. (await views.QueryAsync(Generations.PhysicalPartition(RememberedValues.ProjectionName, generation, "7"), default))
            .Select(r => (r.Key.Sort, r.Body, string.Join(",", r.Applied.Select(a => $"{a.Key}={a.Value}"))))];
}
