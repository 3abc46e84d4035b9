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

/// <summary>The rebuild on DynamoDB Local: parallel Scan segments with saved cursors (no global order), concurrent flushes, verify by Scan.</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbRebuildTests(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public async Task A_rebuild_equals_the_live_projection_resumes_without_loss_and_verify_finds_no_drift()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix)) await dynamo.Client.CreateTableAsync(table);
        var options = new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 4 };
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var store = new DynamoDbEventStore(dynamo.Client, options, time);
        var views = new DynamoDbViewStore(dynamo.Client, options);
        var generations = new Generations(views);
        var signals = new ProjectionSignals();
        var projections = new IProjection[] { new RememberedValues() };
        var random = new Random(5);
        var versions = new Dictionary<int, long>();
        for (var i = 0; i < 600; i++)
        {
            var k = random.Next(60);
            versions.TryGetValue(k, out var v);
            var key = Domain.Remember.MemoryKey.Parse($"key {k}");
            await store.AppendAsync(new StreamName(Domain.Remember.RememberStream.For(new Domain.Common.GuildId(7), key)), v,
                [EventCodec.Default.Encode(new ValueRemembered(key.Display, $"value {i}", null))], new AppendContext("7", "1", "alice", $"m{i}"), default);
            versions[k] = v + 1;
        }
        var live = new ProjectorCore(projections, views, store, EventCodec.Default, generations, signals, NullLogger<ProjectorCore>.Instance);
        var all = new List<EventEnvelope>();
        await foreach (var e in store.ReadAllAsync(default)) all.Add(e);
        Assert.Null((await live.ProjectAsync(all, default)).FirstFailedIndex);
        var expected = await DumpAsync(views, 1);

        using var stop = new CancellationTokenSource();
        Rebuilder NewRebuilder(Action<long>? after = null) => new(store, views, EventCodec.Default, generations, signals, NullLoggerFactory.Instance)
        {
            BatchSize = 100,
            FlipSettle = TimeSpan.Zero,
            AfterBatch = after,
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            NewRebuilder(done => { if (done >= 300) stop.Cancel(); }).RunAsync(projections, null, stop.Token));
        var result = await NewRebuilder().RunAsync(projections, null, default);

        Assert.True(result.Resumed);
        Assert.InRange(result.DoneBefore, 300, 599);
        Assert.Equal(600, result.Events); // the resumed run read only what the saved segment cursors had not covered
        Assert.Equal(2, await generations.ActiveAsync(RememberedValues.ProjectionName, default));
        Assert.Equal(expected, await DumpAsync(views, 2));
        Assert.Empty(await DumpAsync(views, 1));
        Assert.Empty((await NewRebuilder().VerifyAsync(projections, null, default)).Drift);
    }

    private static async Task<List<(string, string, string)>> DumpAsync(DynamoDbViewStore views, long generation) =>
        [.. (await views.QueryAsync(Generations.PhysicalPartition(RememberedValues.ProjectionName, generation, "7"), default))
            .Select(r => (r.Key.Sort, r.Body, string.Join(",", r.Applied.Select(a => $"{a.Key}={a.Value}"))))];
}
