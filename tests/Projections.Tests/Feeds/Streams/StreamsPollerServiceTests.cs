using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Projections.Tests.Feeds.Streams;

public sealed class StreamsPollerServiceTests
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    readonly FakeStreamsServer _server = new();
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    readonly RecordingHandler _handler = new();

    (StreamsPollerService Service, StreamsPoller Poller) Create(IShardCheckpointStore? checkpoints = null)
    {
        var options = Options.Create(new StreamsPollerOptions
        {
            TableName = FakeStreamsServer.TableName,
            PollInterval = TimeSpan.FromSeconds(5),
            BatchLimit = 2,
            MaxPagesPerShardPerRound = 1,
        });
        var poller = new StreamsPoller(_server.Client(), _handler, checkpoints ?? new InMemoryShardCheckpointStore(), options, _time, NullLogger<StreamsPoller>.Instance);
        return (new StreamsPollerService(poller, options, _time, NullLogger<StreamsPollerService>.Instance), poller);
    }

    async Task WaitForAppliedAsync(int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (_handler.Applied.Count < count)
            await Task.Delay(10, timeout.Token);
    }

    async Task WaitForGetRecordsAsync(int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (_server.Calls.Count(c => c.Operation == "GetRecords") < count)
            await Task.Delay(10, timeout.Token);
    }

    [Fact]
    public async Task PollsAtStart_BackToBackWhileBehind_ThenOnEachTick_AndStopsQuietly()
    {
        _server.AddShard("shardId-1");
        for (var v = 1; v <= 5; v++) _server.Put("shardId-1", "x", v);
        var (service, poller) = Create();
        using var _ = poller;

        await service.StartAsync(CancellationToken.None);
        await WaitForAppliedAsync(5); // 3 rounds of at most 2 records, without the clock moving
        await WaitForGetRecordsAsync(4); // and a 4th that found the shard empty: now it waits for the timer
        var getRecordsBeforeTick = _server.BodiesOf("GetRecords").Count();
        _server.Put("shardId-1", "x", 6);
        _time.Advance(TimeSpan.FromSeconds(5));
        await WaitForAppliedAsync(6);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal([1, 2, 3, 4, 5, 6], _handler.Applied.Select(r => EventsTable.Key(r).Version));
        Assert.True(_server.BodiesOf("GetRecords").Count() > getRecordsBeforeTick);
        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ThrottledCheckpointsForLongerThanTheRetryBudget_DoNotStopTheService_ItCatchesUp()
    {
        _server.AddShard("shardId-1");
        for (var v = 1; v <= 3; v++) _server.Put("shardId-1", "x", v);
        var checkpoints = new AlwaysThrottledAtFirst(new InMemoryShardCheckpointStore(), failures: 30);
        var (service, poller) = Create(checkpoints);
        using var _ = poller;

        await service.StartAsync(CancellationToken.None);
        using (var timeout = new CancellationTokenSource(Patience))
        {
            // Backoffs wait on the fake clock: move it until the throttling has passed and the records are in.
            while (_handler.Applied.Select(r => EventsTable.Key(r).Version).Distinct().Count() < 3 || checkpoints.Saved == 0)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(5, timeout.Token);
            }
        }
        Assert.False(service.ExecuteTask!.IsCompleted); // still running: a throttle never stops the host
        await service.StopAsync(CancellationToken.None);

        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
        Assert.Equal(0, checkpoints.FailuresLeft);
    }

    sealed class AlwaysThrottledAtFirst(IShardCheckpointStore inner, int failures) : IShardCheckpointStore
    {
        int _left = failures;
        int _saved;

        public int FailuresLeft => Math.Max(0, Volatile.Read(ref _left));

        public int Saved => Volatile.Read(ref _saved);

        static Amazon.DynamoDBv2.AmazonDynamoDBException Throttle() =>
            new("throttled", Amazon.Runtime.ErrorType.Sender, "ProvisionedThroughputExceededException", "r", System.Net.HttpStatusCode.BadRequest);

        public Task<ShardCheckpoint?> GetAsync(string streamArn, string shardId, CancellationToken ct) =>
            Interlocked.Decrement(ref _left) >= 0 ? throw Throttle() : inner.GetAsync(streamArn, shardId, ct);

        public async Task SaveAsync(string streamArn, string shardId, string sequenceNumber, bool shardFinished, CancellationToken ct)
        {
            if (Interlocked.Decrement(ref _left) >= 0) throw Throttle();
            await inner.SaveAsync(streamArn, shardId, sequenceNumber, shardFinished, ct);
            Interlocked.Increment(ref _saved);
        }
    }
}
