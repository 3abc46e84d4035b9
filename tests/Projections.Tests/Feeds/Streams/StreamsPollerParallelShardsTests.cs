using EventBot.DynamoDbStreams;
using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Projections.Tests.Feeds.Streams;

/// <summary>Open shards read side by side (issue 19): one shard's slow apply no longer holds up the others.</summary>
public sealed class StreamsPollerParallelShardsTests
{
    // Generous: only reached when the shards are NOT read side by side (then the test fails, it does not hang).
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    readonly FakeStreamsServer _server = new();
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    readonly InMemoryShardCheckpointStore _checkpoints = new();

    StreamsPoller Poller(IStreamBatchHandler handler, int maxShardsInParallel = 8) =>
        new(_server.Client(), handler, _checkpoints, Options.Create(new StreamsPollerOptions
        {
            TableName = FakeStreamsServer.TableName,
            InitialBackoff = TimeSpan.Zero,
            MaxShardsInParallel = maxShardsInParallel,
        }), _time, NullLogger<StreamsPoller>.Instance, jitter: new Random(7));

    [Fact]
    public async Task OpenShards_AreReadSideBySide_WithinOneRound()
    {
        _server.AddShard("shardId-a");
        _server.AddShard("shardId-b");
        _server.Put("shardId-a", "a", 1);
        _server.Put("shardId-b", "b", 1);
        // Shard a's batch waits until shard b's has been applied: read one after the other (a sorts first), it never is.
        var handler = new MeetingHandler("a", "b", Patience);
        using var poller = Poller(handler);

        var round = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal(2, round.RecordsDelivered);
        Assert.True(handler.Met, "shard a's apply waited for shard b's and b never came: the shards were read one after the other");
        Assert.Equal(["shardId-a", "shardId-b"], _checkpoints.All.Select(c => c.ShardId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OneShardAtATime_ReadsThemInOrder()
    {
        _server.AddShard("shardId-a");
        _server.AddShard("shardId-b");
        _server.Put("shardId-a", "a", 1);
        _server.Put("shardId-b", "b", 1);
        var handler = new MeetingHandler("a", "b", TimeSpan.Zero);
        using var poller = Poller(handler, maxShardsInParallel: 1);

        var round = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal(2, round.RecordsDelivered);
        Assert.False(handler.Met);
    }

    [Fact]
    public async Task AShardWhoseRetriesRunOut_DoesNotStopItsSiblings_AndIsReadNextRound()
    {
        _server.AddShard("shardId-a");
        _server.AddShard("shardId-b");
        _server.Put("shardId-a", "a", 1);
        _server.Put("shardId-b", "b", 1);
        var handler = new RecordingHandler();
        using var poller = new StreamsPoller(_server.Client(), handler, _checkpoints, Options.Create(new StreamsPollerOptions
        {
            TableName = FakeStreamsServer.TableName,
            InitialBackoff = TimeSpan.Zero,
            MaxRetries = 0,
        }), _time, NullLogger<StreamsPoller>.Instance, jitter: new Random(7));
        await poller.PollOnceAsync(CancellationToken.None); // discovery, and both records
        _server.Put("shardId-a", "a", 2);
        _server.Put("shardId-b", "b", 2);
        _server.FailNext("GetRecords", System.Net.HttpStatusCode.InternalServerError, "InternalServerError");

        var failed = await poller.PollOnceAsync(CancellationToken.None);
        var next = await poller.PollOnceAsync(CancellationToken.None);

        Assert.Equal(1, failed.RecordsDelivered); // the sibling went on
        Assert.Equal(1, next.RecordsDelivered);
        Assert.Equal([("a", 1), ("a", 2), ("b", 1), ("b", 2)], handler.Applied.Select(EventsTable.Key).Order());
    }

    [Fact]
    public void MaxShardsInParallel_IsValidated()
    {
        var result = new StreamsPollerOptionsValidator().Validate(null, new StreamsPollerOptions { TableName = "t", MaxShardsInParallel = 0 });

        Assert.True(result.Failed);
    }

    /// <summary>Applies every batch; a batch of item <paramref name="first"/> first waits (up to <paramref name="patience"/>) until one of item <paramref name="second"/> was applied.</summary>
    sealed class MeetingHandler(string first, string second, TimeSpan patience) : IStreamBatchHandler
    {
        readonly TaskCompletionSource _secondApplied = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Met { get; private set; }

        public async Task<StreamBatchOutcome> HandleAsync(IReadOnlyList<StreamRecord> records, CancellationToken ct)
        {
            if (records.Any(r => EventsTable.Key(r).Pk == first))
            {
                try
                {
                    await _secondApplied.Task.WaitAsync(patience, ct);
                    Met = true;
                }
                catch (TimeoutException)
                {
                }
            }
            if (records.Any(r => EventsTable.Key(r).Pk == second)) _secondApplied.TrySetResult();
            return StreamBatchOutcome.Success;
        }
    }
}
