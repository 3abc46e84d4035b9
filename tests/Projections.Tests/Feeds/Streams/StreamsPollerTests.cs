using System.Net;
using EventBot.EventStore.Faults;
using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests.Feeds.Streams;

public sealed class StreamsPollerTests
{
    const string Arn = FakeStreamsServer.StreamArn;

    readonly FakeStreamsServer _server = new();
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    readonly RecordingHandler _handler = new();
    readonly InMemoryShardCheckpointStore _checkpoints = new();
    readonly CapturingLogger<StreamsPoller> _log = new();

    StreamsPoller Poller(Action<StreamsPollerOptions>? configure = null)
    {
        var options = new StreamsPollerOptions { TableName = FakeStreamsServer.TableName, InitialBackoff = TimeSpan.Zero };
        configure?.Invoke(options);
        return new StreamsPoller(_server.Client(), _handler, _checkpoints, Options.Create(options), _time, _log, jitter: new Random(7));
    }

    IEnumerable<(string Pk, int Version)> Applied => _handler.Applied.Select(EventsTable.Key);

    static async Task<int> DrainAsync(StreamsPoller poller, int rounds = 10)
    {
        var total = 0;
        for (var i = 0; i < rounds; i++) total += (await poller.PollOnceAsync(CancellationToken.None)).RecordsDelivered;
        return total;
    }

    [Fact]
    public async Task ParentShard_IsDrainedBeforeItsChildren()
    {
        // The child sorts first by id and is listed first: only lineage can put the parent first.
        _server.AddShard("shardId-a-child", parentShardId: "shardId-z-parent");
        _server.AddShard("shardId-z-parent");
        _server.Put("shardId-z-parent", "p", 1);
        _server.Put("shardId-z-parent", "p", 2);
        _server.Close("shardId-z-parent");
        _server.Put("shardId-a-child", "p", 3);
        using var poller = Poller();

        var first = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal(3, first.RecordsDelivered);
        Assert.Equal([1, 2, 3], Applied.Select(k => k.Version));
        var parent = Assert.Single(_checkpoints.All, c => c.ShardId == "shardId-z-parent");
        Assert.True(parent.ShardFinished);
        Assert.Equal(_handler.Applied[1].SequenceNumber, parent.SequenceNumber);
        Assert.False(Assert.Single(_checkpoints.All, c => c.ShardId == "shardId-a-child").ShardFinished);
    }

    [Fact]
    public async Task Child_WaitsWhileItsParentFails()
    {
        _server.AddShard("shardId-parent");
        _server.AddShard("shardId-child", parentShardId: "shardId-parent");
        _server.Put("shardId-parent", "p", 1);
        _server.Close("shardId-parent");
        _server.Put("shardId-child", "p", 2);
        _handler.FailOnceAt(r => EventsTable.Key(r).Version == 1);
        using var poller = Poller();

        var failed = await poller.PollOnceAsync(CancellationToken.None);
        var childCallsWhileParentFailed = _server.BodiesOf("GetShardIterator").Count(b => (string?)b["ShardId"] == "shardId-child");
        var retried = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal(0, failed.RecordsDelivered);
        Assert.Equal(0, childCallsWhileParentFailed);
        Assert.Equal(2, retried.RecordsDelivered);
        Assert.Equal([1, 2], Applied.Select(k => k.Version));
    }

    [Fact]
    public async Task NewShards_AreFoundOnRediscovery_AndRightAfterAShardCloses()
    {
        _server.AddShard("shardId-1");
        _server.Put("shardId-1", "a", 1);
        using var poller = Poller(o => o.RediscoveryPeriod = TimeSpan.FromMinutes(1));
        await poller.PollOnceAsync(CancellationToken.None);

        _server.AddShard("shardId-2");
        _server.Put("shardId-2", "b", 1);
        var beforePeriod = await poller.PollOnceAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        var afterPeriod = await poller.PollOnceAsync(CancellationToken.None);

        _server.Close("shardId-1");
        await poller.PollOnceAsync(CancellationToken.None); // reads the end of shard 1
        _server.AddShard("shardId-3", parentShardId: "shardId-1");
        _server.Put("shardId-3", "a", 2);
        var afterClose = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal(0, beforePeriod.RecordsDelivered);
        Assert.Equal(1, afterPeriod.RecordsDelivered);
        Assert.Equal(1, afterClose.RecordsDelivered);
        Assert.Equal([("a", 1), ("b", 1), ("a", 2)], Applied);
    }

    [Fact]
    public async Task Restart_ResumesAfterTheCheckpoint_AndSkipsFinishedShards()
    {
        _server.AddShard("shardId-old");
        _server.Put("shardId-old", "x", 1);
        _server.Close("shardId-old");
        _server.AddShard("shardId-new", parentShardId: "shardId-old");
        var seen = _server.Put("shardId-new", "x", 2);
        _server.Put("shardId-new", "x", 3);
        await _checkpoints.SaveAsync(Arn, "shardId-old", "", true, CancellationToken.None);
        await _checkpoints.SaveAsync(Arn, "shardId-new", seen, false, CancellationToken.None);
        using var poller = Poller();

        await DrainAsync(poller, 2);

        Assert.Equal([3], Applied.Select(k => k.Version));
        Assert.Equal(seen, (string?)_server.BodiesOf("GetShardIterator").Single()["SequenceNumber"]);
        Assert.Equal("AFTER_SEQUENCE_NUMBER", (string?)_server.BodiesOf("GetShardIterator").Single()["ShardIteratorType"]);
    }

    [Fact]
    public async Task ExpiredIterator_IsReacquiredFromTheCheckpoint()
    {
        _server.AddShard("shardId-1");
        _server.Put("shardId-1", "x", 1);
        using var poller = Poller();
        await poller.PollOnceAsync(CancellationToken.None);
        _server.Put("shardId-1", "x", 2);
        _server.FailNext("GetRecords", HttpStatusCode.BadRequest, "ExpiredIteratorException");

        await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal([1, 2], Applied.Select(k => k.Version));
        Assert.Equal(["TRIM_HORIZON", "AFTER_SEQUENCE_NUMBER"], _server.BodiesOf("GetShardIterator").Select(b => (string?)b["ShardIteratorType"]));
        Assert.Equal(_handler.Applied[0].SequenceNumber, (string?)_server.BodiesOf("GetShardIterator").Last()["SequenceNumber"]);
        Assert.Equal(1, poller.Metrics.IteratorsExpired);
    }

    [Fact]
    public async Task TrimmedCheckpoint_IsReportedLoudly_AndReadingGoesOnFromTrimHorizon()
    {
        _server.AddShard("shardId-1");
        var lost = _server.Put("shardId-1", "x", 1);
        _server.Put("shardId-1", "x", 2);
        _server.Put("shardId-1", "x", 3);
        _server.Trim("shardId-1", 2);
        await _checkpoints.SaveAsync(Arn, "shardId-1", lost, false, CancellationToken.None);
        using var poller = Poller();

        await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal([3], Applied.Select(k => k.Version));
        Assert.Equal(1, poller.Metrics.TrimmedData);
        var error = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("TRIMMED DATA on shard shardId-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrimmedDataWhileReading_ContinuesFromTrimHorizon()
    {
        _server.AddShard("shardId-1");
        _server.Put("shardId-1", "x", 1);
        _server.Put("shardId-1", "x", 2);
        using var poller = Poller();
        _server.FailNext("GetRecords", HttpStatusCode.BadRequest, "TrimmedDataAccessException");

        await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal([1, 2], Applied.Select(k => k.Version));
        Assert.Equal(1, poller.Metrics.TrimmedData);
    }

    [Fact]
    public async Task ThrottlingAnd5xx_AreRetried()
    {
        _server.AddShard("shardId-1");
        _server.Put("shardId-1", "x", 1);
        _server.FailNext("DescribeStream", HttpStatusCode.BadRequest, "LimitExceededException");
        _server.FailNext("GetRecords", HttpStatusCode.BadRequest, "ThrottlingException");
        _server.FailNext("GetRecords", HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException");
        _server.FailNext("GetRecords", HttpStatusCode.ServiceUnavailable, "");
        using var poller = Poller();

        var result = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal(1, result.RecordsDelivered);
        Assert.Equal(4, poller.Metrics.Retries);
        Assert.Equal(3 + 2, _server.BodiesOf("GetRecords").Count()); // 3 failed, the page, the empty page that ends the round
        Assert.Equal(4, _log.Entries.Count(e => e.Id.Id == 6));
    }

    [Fact]
    public async Task ExhaustedRetries_EndTheRound_AndTheNextRoundGoesOn()
    {
        _server.AddShard("shardId-1");
        _server.Put("shardId-1", "x", 1);
        _server.FailNext("GetRecords", HttpStatusCode.InternalServerError, "InternalServerError", times: 3);
        using var poller = Poller(o => o.MaxRetries = 2);

        var failed = await poller.PollOnceAsync(CancellationToken.None);
        var next = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal(0, failed.RecordsDelivered);
        Assert.Equal(1, next.RecordsDelivered);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Id.Id == 9);
    }

    [Fact]
    public async Task NetworkFailures_AreRetried_AndDoNotEndThePoller()
    {
        _server.AddShard("shardId-1");
        _server.Put("shardId-1", "x", 1);
        _server.FailNext("DescribeStream", 0, FakeStreamsServer.NetworkFailure, times: 2);
        _server.FailNext("GetRecords", 0, FakeStreamsServer.NetworkFailure, times: 3);
        using var poller = Poller(o => o.MaxRetries = 1);

        var discoveryFailed = await poller.PollOnceAsync(CancellationToken.None);
        var readFailed = await poller.PollOnceAsync(CancellationToken.None);
        var recovered = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal((0, 0, 1), (discoveryFailed.RecordsDelivered, readFailed.RecordsDelivered, recovered.RecordsDelivered));
        Assert.Equal(3, poller.Metrics.Retries);
        Assert.Equal(2, _log.Entries.Count(e => e.Level == LogLevel.Error && e.Id.Id == 9));
    }

    [Fact]
    public async Task AnswersCutShort_AreRetried_BeyondTheBudgetTheRoundFails_AndThePollerGoesOn()
    {
        _server.AddShard("shardId-1");
        _server.Put("shardId-1", "x", 1);
        _server.FailNext("GetRecords", HttpStatusCode.OK, FakeStreamsServer.CutShort, times: 2);
        using var poller = Poller(o => o.MaxRetries = 1);

        var failed = await poller.PollOnceAsync(CancellationToken.None);
        var recovered = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal((0, 1), (failed.RecordsDelivered, recovered.RecordsDelivered));
        Assert.Equal([1], Applied.Select(k => k.Version));
        Assert.Equal(1, poller.Metrics.Retries);
    }

    [Fact]
    public async Task ThrottledCheckpoints_NeverStopThePoller_ItKeepsPollingAndCatchesUp()
    {
        // The checkpoint store is the views table: it throttles like any DynamoDB table. Reads (at discovery) and
        // writes (after each batch) fail more times in a row than the retry budget allows.
        _server.AddShard("shardId-1");
        for (var v = 1; v <= 3; v++) _server.Put("shardId-1", "x", v);
        var checkpoints = new ThrottlingCheckpoints(_checkpoints) { FailReads = 3, FailWrites = 3 };
        using var poller = new StreamsPoller(_server.Client(), _handler, checkpoints,
            Options.Create(new StreamsPollerOptions { TableName = FakeStreamsServer.TableName, InitialBackoff = TimeSpan.Zero, MaxRetries = 1 }),
            _time, _log, jitter: new Random(7));

        var rounds = new List<StreamsPollResult>();
        for (var i = 0; i < 6; i++) rounds.Add(await poller.PollOnceAsync(CancellationToken.None));
        var last = _server.Put("shardId-1", "x", 4);
        rounds.Add(await poller.PollOnceAsync(CancellationToken.None));

        Assert.Equal(0, rounds[0].RecordsDelivered); // discovery gave up: no shard known yet
        Assert.Equal([1, 2, 3, 4], Applied.Select(k => k.Version).Distinct());
        Assert.Equal(1, rounds[^1].RecordsDelivered); // still polling: the record put last came through
        Assert.Equal(last, (await _checkpoints.GetAsync(Arn, "shardId-1", CancellationToken.None))?.SequenceNumber);
        Assert.True(poller.Metrics.Retries >= 3);
        Assert.Contains(_log.Entries, e => e.Id.Id == 9); // each round that gave up said so, and the next one went on
    }

    [Fact]
    public async Task NonRetryableErrors_Surface()
    {
        _server.AddShard("shardId-1");
        _server.FailNext("DescribeStream", HttpStatusCode.BadRequest, "UnrecognizedClientException");
        using var poller = Poller();

        var error = await Assert.ThrowsAsync<DynamoDbStreamsException>(() => poller.PollOnceAsync(CancellationToken.None));

        Assert.Equal(StreamsErrorKind.Other, error.Kind);
        Assert.Equal(0, poller.Metrics.Retries);
    }

    [Fact]
    public async Task ShardThatAgedOut_IsReportedAndItsChildrenProceed()
    {
        _server.AddShard("shardId-old");
        _server.Put("shardId-old", "x", 1);
        _server.AddShard("shardId-new", parentShardId: "shardId-old");
        _server.Put("shardId-new", "x", 2);
        using var poller = Poller();
        _handler.FailOnceAt(r => EventsTable.Key(r).Version == 1);
        await poller.PollOnceAsync(CancellationToken.None);
        _server.Remove("shardId-old");

        await DrainAsync(poller, 2);

        Assert.Equal([2], Applied.Select(k => k.Version));
        Assert.Equal(1, poller.Metrics.TrimmedData);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Id.Id == 8);
    }

    [Fact]
    public async Task ShardGoneWhileReading_IsReportedAndItsChildrenProceed()
    {
        _server.AddShard("shardId-old");
        _server.Put("shardId-old", "x", 1);
        using var poller = Poller();
        await poller.PollOnceAsync(CancellationToken.None); // holds an iterator on shardId-old now
        _server.AddShard("shardId-new", parentShardId: "shardId-old");
        _server.Put("shardId-new", "x", 2);
        _server.Remove("shardId-old");

        var gone = await poller.PollOnceAsync(CancellationToken.None);
        var next = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal((0, 1), (gone.RecordsDelivered, next.RecordsDelivered));
        Assert.Equal([1, 2], Applied.Select(k => k.Version));
        Assert.Equal(1, poller.Metrics.TrimmedData);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Id.Id == 8);
    }

    [Fact]
    public async Task UnfinishedShardDroppedFromTheStream_IsReportedAsLost()
    {
        _server.AddShard("shardId-old");
        _server.Put("shardId-old", "x", 1);
        _server.AddShard("shardId-new", parentShardId: "shardId-old");
        _server.Put("shardId-new", "x", 2);
        using var poller = Poller(o => o.RediscoveryPeriod = TimeSpan.FromMinutes(1));
        _handler.FailOnceAt(r => EventsTable.Key(r).Version == 1);
        await poller.PollOnceAsync(CancellationToken.None);
        _server.Remove("shardId-old");
        _time.Advance(TimeSpan.FromMinutes(1));

        await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal([2], Applied.Select(k => k.Version));
        Assert.Equal(1, poller.Metrics.TrimmedData);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Id.Id == 8);
    }

    [Fact]
    public async Task PageCap_LeavesMorePending_AndLagShowsHowFarBehind()
    {
        _server.AddShard("shardId-1");
        for (var v = 1; v <= 5; v++) _server.Put("shardId-1", "x", v);
        using var poller = Poller(o =>
        {
            o.BatchLimit = 2;
            o.MaxPagesPerShardPerRound = 1;
        });
        var before = poller.Lag;

        var first = await poller.PollOnceAsync(CancellationToken.None);
        var behind = poller.Lag;
        await DrainAsync(poller, 3);

        Assert.Null(before.Behind);
        Assert.True(first.MorePending);
        Assert.Equal(2, first.RecordsDelivered);
        Assert.Equal(TimeSpan.FromMinutes(1), behind.Behind);
        Assert.Equal(1, behind.ShardsBehind);
        Assert.Equal(_server.RecordTime, behind.NewestRecordTime);
        Assert.Equal([2, 2, 1], _handler.BatchSizes);
        Assert.Equal(TimeSpan.Zero, poller.Lag.Behind);
        Assert.Equal(0, poller.Lag.ShardsBehind);
    }

    [Fact]
    public async Task StreamArn_ComesFromListStreams_WithoutADynamoDbClient()
    {
        _server.AddShard("shardId-1");
        using var poller = Poller();

        await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal(Arn, poller.StreamArn);
        Assert.Equal(FakeStreamsServer.TableName, (string?)_server.BodiesOf("ListStreams").Single()["TableName"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Options_AreValidated(int batchLimit)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Poller(o => o.BatchLimit = batchLimit));

        Assert.Contains("BatchLimit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NeedATableOrAStream()
    {
        var result = new StreamsPollerOptionsValidator().Validate(null, new StreamsPollerOptions());

        Assert.True(result.Failed);
        Assert.True(new StreamsPollerOptionsValidator().Validate(null, new StreamsPollerOptions { StreamArn = Arn }).Succeeded);
    }

    [Theory]
    [InlineData(0, 0.5, 50)]
    [InlineData(3, 0.5, 400)]
    [InlineData(3, 0.999, 799.2)]
    [InlineData(20, 1.0, 20_000)]
    [InlineData(2, 0.0, 0)]
    public void Backoff_IsExponentialWithFullJitterAndACap(int attempt, double random, double expectedMs)
    {
        var delay = Backoff.Delay(attempt, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(20), random);

        Assert.Equal(expectedMs, delay.TotalMilliseconds, 3);
    }

    /// <summary>A checkpoint store whose first reads and writes are throttled, as the views table would be.</summary>
    sealed class ThrottlingCheckpoints(IShardCheckpointStore inner) : IShardCheckpointStore
    {
        public int FailReads { get; set; }

        public int FailWrites { get; set; }

        static Amazon.DynamoDBv2.AmazonDynamoDBException Throttle() =>
            new("Rate of requests exceeds the allowed throughput.", Amazon.Runtime.ErrorType.Sender, "ThrottlingException", "r", HttpStatusCode.BadRequest);

        public Task<ShardCheckpoint?> GetAsync(string streamArn, string shardId, CancellationToken ct) =>
            FailReads-- > 0 ? throw Throttle() : inner.GetAsync(streamArn, shardId, ct);

        public Task SaveAsync(string streamArn, string shardId, string sequenceNumber, bool shardFinished, CancellationToken ct) =>
            FailWrites-- > 0 ? throw Throttle() : inner.SaveAsync(streamArn, shardId, sequenceNumber, shardFinished, ct);
    }
}
