using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using EventBot.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests.Feeds.Streams;

[Collection(DynamoDbLocalFixture.Collection)]
public sealed class StreamsPollerIntegrationTests(DynamoDbLocalFixture dynamo)
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    StreamsPoller Poller(EventsTable table, IStreamBatchHandler handler, IShardCheckpointStore checkpoints, int batchLimit = 1000, bool describeTable = true) =>
        new(table.StreamsClient(), handler, checkpoints,
            Options.Create(new StreamsPollerOptions { TableName = table.Name, BatchLimit = batchLimit, InitialBackoff = TimeSpan.Zero }),
            _time, NullLogger<StreamsPoller>.Instance, describeTable ? dynamo.Client : null);

    static async Task DrainAsync(StreamsPoller poller)
    {
        for (var round = 0; round < 20; round++)
        {
            var result = await poller.PollOnceAsync(CancellationToken.None);
            if (!result.MorePending && result.RecordsDelivered == 0) return;
        }
        throw new InvalidOperationException("The poller did not catch up in 20 rounds.");
    }

    static async Task PutStreamsAsync(EventsTable table, int streams, int versions)
    {
        // Interleave items so per-item order is not the same as write order of one item at a time.
        for (var v = 1; v <= versions; v++)
            for (var s = 0; s < streams; s++)
                await table.PutAsync($"remember/g/k{s}", v, $"{s}.{v}");
    }

    [Fact]
    public async Task DeliversEveryInsertExactlyOnce_InPerItemOrder()
    {
        var table = await EventsTable.CreateAsync(dynamo);
        await PutStreamsAsync(table, streams: 3, versions: 4);
        var handler = new RecordingHandler();
        using var poller = Poller(table, handler, new InMemoryShardCheckpointStore(), batchLimit: 5);

        await DrainAsync(poller);

        Assert.Equal(table.StreamArn, poller.StreamArn);
        Assert.Equal(12, handler.Applied.Count);
        Assert.All(handler.Applied, r => Assert.Equal(StreamEventName.Insert, r.EventName));
        Assert.Equal(12, handler.Applied.Select(EventsTable.Key).Distinct().Count());
        foreach (var stream in handler.Applied.GroupBy(r => EventsTable.Key(r).Pk))
            Assert.Equal([1, 2, 3, 4], stream.Select(r => EventsTable.Key(r).Version));
        Assert.All(handler.BatchSizes, size => Assert.InRange(size, 1, 5));
        Assert.Equal(12, poller.Metrics.RecordsDelivered);
        Assert.Equal(TimeSpan.Zero, poller.Lag.Behind);
        Assert.NotNull(poller.Lag.NewestRecordTime);
    }

    [Fact]
    public async Task Restart_ResumesAfterTheCheckpoint()
    {
        var table = await EventsTable.CreateAsync(dynamo);
        var checkpoints = new InMemoryShardCheckpointStore();
        await PutStreamsAsync(table, streams: 1, versions: 3);
        var first = new RecordingHandler();
        using (var poller = Poller(table, first, checkpoints))
            await DrainAsync(poller);

        await table.PutAsync("remember/g/k0", 4, "0.4");
        await table.PutAsync("remember/g/k0", 5, "0.5");
        var second = new RecordingHandler();
        using (var poller = Poller(table, second, checkpoints))
            await DrainAsync(poller);

        Assert.Equal([1, 2, 3], first.Applied.Select(r => EventsTable.Key(r).Version));
        Assert.Equal([4, 5], second.Applied.Select(r => EventsTable.Key(r).Version));
        var checkpoint = Assert.Single(checkpoints.All);
        Assert.Equal(second.Applied[^1].SequenceNumber, checkpoint.SequenceNumber);
        Assert.False(checkpoint.ShardFinished);
    }

    [Fact]
    public async Task HandlerFailure_RedeliversFromTheFailedRecord()
    {
        var table = await EventsTable.CreateAsync(dynamo);
        await PutStreamsAsync(table, streams: 1, versions: 5);
        var handler = new RecordingHandler();
        handler.FailOnceAt(r => EventsTable.Key(r).Version == 3);
        var checkpoints = new InMemoryShardCheckpointStore();
        using var poller = Poller(table, handler, checkpoints);

        var firstRound = await poller.PollOnceAsync(CancellationToken.None);
        var afterFailure = Assert.Single(checkpoints.All).SequenceNumber;
        await DrainAsync(poller);

        Assert.Equal(2, firstRound.RecordsDelivered);
        Assert.Equal(handler.Applied[1].SequenceNumber, afterFailure);
        Assert.Equal([1, 2, 3, 4, 5], handler.Applied.Select(r => EventsTable.Key(r).Version));
        Assert.Equal(1, handler.Failures);
        Assert.Equal(1, poller.Metrics.HandlerFailures);
    }

    [Fact]
    public async Task HandlerThrowing_RedeliversTheWholeBatch()
    {
        var table = await EventsTable.CreateAsync(dynamo);
        await PutStreamsAsync(table, streams: 1, versions: 3);
        var handler = new RecordingHandler { ThrowInsteadOfFailing = true };
        handler.FailOnceAt(r => EventsTable.Key(r).Version == 2);
        var checkpoints = new InMemoryShardCheckpointStore();
        using var poller = Poller(table, handler, checkpoints);

        var firstRound = await poller.PollOnceAsync(CancellationToken.None);
        var checkpointsAfterFailure = checkpoints.All.Count;
        await DrainAsync(poller);

        Assert.Equal(0, firstRound.RecordsDelivered);
        Assert.Equal(0, checkpointsAfterFailure);
        // The handler had applied version 1 before throwing; the poller cannot know, so it comes again.
        Assert.Equal([1, 1, 2, 3], handler.Applied.Select(r => EventsTable.Key(r).Version));
        Assert.Equal(1, poller.Metrics.HandlerFailures);
    }

    [Fact]
    public async Task WithoutADynamoDbClient_FindsTheStreamWithListStreams()
    {
        var table = await EventsTable.CreateAsync(dynamo);
        await table.PutAsync("play/g/u", 1, "rock");
        var handler = new RecordingHandler();
        using var poller = Poller(table, handler, new InMemoryShardCheckpointStore(), describeTable: false);

        await DrainAsync(poller);

        Assert.Equal(table.StreamArn, poller.StreamArn);
        Assert.Equal([("play/g/u", 1)], handler.Applied.Select(EventsTable.Key));
    }
}
