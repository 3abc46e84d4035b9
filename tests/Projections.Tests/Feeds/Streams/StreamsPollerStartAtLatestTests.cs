using System.Net;
using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests.Feeds.Streams;

/// <summary><see cref="StreamsPollerOptions.StartAtLatest"/>: what a rebuild's catch-up follows the stream with.</summary>
public sealed class StreamsPollerStartAtLatestTests
{
    readonly FakeStreamsServer _server = new();
    readonly RecordingHandler _handler = new();

    StreamsPoller Poller() =>
        new(_server.Client(), _handler, new InMemoryShardCheckpointStore(),
            Options.Create(new StreamsPollerOptions { TableName = FakeStreamsServer.TableName, InitialBackoff = TimeSpan.Zero, StartAtLatest = true }),
            new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero)), new CapturingLogger<StreamsPoller>(), jitter: new Random(7));

    IEnumerable<(string Pk, int Version)> Applied => _handler.Applied.Select(EventsTable.Key);

    IEnumerable<string?> IteratorTypes(string shardId) =>
        _server.BodiesOf("GetShardIterator").Where(b => (string?)b["ShardId"] == shardId).Select(b => (string?)b["ShardIteratorType"]);

    [Fact]
    public async Task Only_records_written_after_the_first_discovery_are_delivered()
    {
        _server.AddShard("shardId-1");
        _server.Put("shardId-1", "old", 1);
        using var poller = Poller();

        await poller.PollOnceAsync(CancellationToken.None);
        _server.Put("shardId-1", "new", 1);
        _server.Put("shardId-1", "new", 2);
        await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal([("new", 1), ("new", 2)], Applied);
        Assert.Equal(["LATEST"], IteratorTypes("shardId-1"));
    }

    [Fact]
    public async Task Shards_closed_at_the_start_are_skipped_and_shards_created_later_are_read_from_their_start()
    {
        _server.AddShard("shardId-closed");
        _server.Put("shardId-closed", "old", 1);
        _server.Close("shardId-closed");
        _server.AddShard("shardId-open", parentShardId: "shardId-closed");
        _server.Put("shardId-open", "old", 2);
        using var poller = Poller();
        await poller.PollOnceAsync(CancellationToken.None);

        _server.Put("shardId-open", "new", 1);
        _server.Close("shardId-open");
        _server.AddShard("shardId-child", parentShardId: "shardId-open");
        _server.Put("shardId-child", "new", 2);
        await poller.PollOnceAsync(CancellationToken.None); // finishes the open shard; its child is found next round
        await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal([("new", 1), ("new", 2)], Applied);
        Assert.Empty(IteratorTypes("shardId-closed"));
        Assert.Equal(["LATEST"], IteratorTypes("shardId-open"));
        Assert.Equal(["TRIM_HORIZON"], IteratorTypes("shardId-child"));
    }

    [Fact]
    public async Task An_iterator_lost_before_any_record_is_taken_again_from_trim_horizon_never_latest()
    {
        _server.AddShard("shardId-1");
        _server.Put("shardId-1", "old", 1);
        using var poller = Poller();
        await poller.PollOnceAsync(CancellationToken.None);
        _server.Put("shardId-1", "new", 1);
        _server.FailNext("GetRecords", HttpStatusCode.BadRequest, "ExpiredIteratorException");

        await poller.PollOnceAsync(CancellationToken.None);

        // More than asked for (the record before the start comes too), but nothing after the start is skipped.
        Assert.Equal([("old", 1), ("new", 1)], Applied);
        Assert.Equal(["LATEST", "TRIM_HORIZON"], IteratorTypes("shardId-1"));
    }

    [Fact]
    public async Task A_latest_iterator_that_cannot_be_had_at_the_start_is_replaced_by_trim_horizon()
    {
        _server.AddShard("shardId-1");
        _server.Put("shardId-1", "old", 1);
        _server.FailNext("GetShardIterator", HttpStatusCode.InternalServerError, "InternalServerError", times: 9); // 1 + 8 retries
        using var poller = Poller();

        await poller.PollOnceAsync(CancellationToken.None);
        _server.Put("shardId-1", "new", 1);
        await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal([.. Enumerable.Repeat("LATEST", 9), "TRIM_HORIZON"], IteratorTypes("shardId-1"));
        Assert.Equal([("old", 1), ("new", 1)], Applied);
    }
}
