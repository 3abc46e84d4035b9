using Amazon.DynamoDBv2;
using EventBot.EventStore;
using EventBot.Projections.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using EventBot.DynamoDbStreams;
using EventBot.Projections.Replay;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>
/// A rebuild's catch-up from the events table's stream: a poller of its own, started at LATEST when the rebuild
/// begins (<see cref="StreamsPollerOptions.StartAtLatest"/>), reads the stream in the background while the main pass
/// scans (which keeps its iterators from expiring) and holds the events it sees until the rebuild asks for them.
/// </summary>
/// <remarks>
/// It is one more reader of every shard, beside the bot's poller or the Lambda's event source mapping (AWS advises
/// at most two per shard; throttling is retried). Held events are bounded by <see cref="MaxHeld"/>; past it, or when
/// records expired unread or the table's stream was replaced, <see cref="IRebuildCatchUp.ReadNewAsync"/> answers null
/// and the rebuild scans as it would without a stream.
/// </remarks>
public sealed partial class StreamsRebuildFeed(
    IDynamoDbStreamsClient streams,
    IAmazonDynamoDB dynamoDb,
    IOptions<StreamsPollerOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : IRebuildCatchUpFeed
{
    /// <summary>Events held between two reads before the feed gives up on the rebuild (it then scans). Default 100,000.</summary>
    public int MaxHeld { get; init; } = 100_000;

    /// <summary>How often the stream is read while the rebuild runs. Well inside the 15 minutes an iterator lives. Default 5 s.</summary>
    public TimeSpan FollowInterval { get; init; } = TimeSpan.FromSeconds(5);

    public async Task<IRebuildCatchUp?> FollowAsync(CancellationToken ct)
    {
        var logger = loggers.CreateLogger<StreamsRebuildFeed>();
        var following = options.Value.Copy();
        following.StartAtLatest = true;
        var held = new HeldEvents(MaxHeld);
        StreamsPoller? poller = null;
        try
        {
            poller = new StreamsPoller(streams, held, new InMemoryShardCheckpointStore(), Options.Create(following), time,
                loggers.CreateLogger<StreamsPoller>(), dynamoDb);
            await poller.PollOnceAsync(ct);
            if (poller.StreamArn is { } arn)
            {
                var followed = new Following(poller, held, arn, FollowInterval, time, logger);
                poller = null; // handed over
                return followed;
            }
            Log.CannotFollow(logger, "the stream could not be described");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // No stream on the table, invalid poller settings, no access: the rebuild still works, by Scan.
            Log.CannotFollow(logger, e.GetBaseException().Message);
        }
        finally
        {
            poller?.Dispose();
        }
        return null;
    }

    /// <summary>The poller's handler: keeps the events of each batch, in shard order, until they are taken.</summary>
    private sealed class HeldEvents(int max) : IStreamBatchHandler
    {
        private readonly Lock _lock = new();
        private List<EventEnvelope> _events = [];

        /// <summary>Why the held events are no longer complete, once they are not.</summary>
        public string? Broken { get; private set; }

        public Task<StreamBatchOutcome> HandleAsync(IReadOnlyList<StreamRecord> records, CancellationToken ct)
        {
            lock (_lock)
            {
                if (Broken is not null) return Task.FromResult(StreamBatchOutcome.Success);
                foreach (var record in records)
                {
                    var kind = StreamRecordEvents.Read(record, out var envelope, out _);
                    if (kind == StreamRecordKind.Event) _events.Add(envelope!);
                    if (kind != StreamRecordKind.Malformed) continue;
                    // The Scan meets the same item and handles it by the dead-letter policy.
                    Fail($"stream record {record.SequenceNumber} looks like an event but cannot be read");
                    break;
                }
                if (_events.Count > max) Fail($"more than {max:N0} events were appended during the rebuild");
            }
            return Task.FromResult(StreamBatchOutcome.Success);
        }

        public void Fail(string reason)
        {
            lock (_lock)
            {
                Broken ??= reason;
                _events = [];
            }
        }

        public List<EventEnvelope> Take()
        {
            lock (_lock)
            {
                var taken = _events;
                _events = [];
                return taken;
            }
        }
    }

    private sealed class Following : IRebuildCatchUp
    {
        private readonly StreamsPoller _poller;
        private readonly HeldEvents _held;
        private readonly string _arn;
        private readonly ILogger _logger;
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _background;

        public Following(StreamsPoller poller, HeldEvents held, string arn, TimeSpan interval, TimeProvider time, ILogger logger)
        {
            _poller = poller;
            _held = held;
            _arn = arn;
            _logger = logger;
            _background = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(interval, time);
                try
                {
                    while (await timer.WaitForNextTickAsync(_stop.Token)) await DrainAsync(_stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    // disposed
                }
                catch (Exception e)
                {
                    _held.Fail($"reading the stream failed: {e.GetBaseException().Message}");
                }
            });
        }

        public async Task<IReadOnlyList<EventEnvelope>?> ReadNewAsync(CancellationToken ct)
        {
            try
            {
                // A round in the background may give up on a shard for a while (retries exhausted): nothing is lost,
                // it is read again. Here, though, every shard must be read to its end.
                if (!await DrainAsync(ct)) _held.Fail("a shard could not be read to its end");
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _held.Fail($"reading the stream failed: {e.GetBaseException().Message}");
            }
            if (_poller.Metrics.TrimmedData > 0) _held.Fail("stream records expired before they were read");
            if (_poller.StreamArn != _arn) _held.Fail($"the table's stream changed from {_arn} to {_poller.StreamArn}");
            if (_held.Broken is { } reason)
            {
                Log.GaveUp(_logger, reason);
                return null;
            }
            var events = _held.Take();
            // Shards keep each item's order; across them only each stream's version order matters to the projections.
            events.Sort(static (a, b) => string.CompareOrdinal(a.StreamId, b.StreamId) is var c and not 0 ? c : a.Version.CompareTo(b.Version));
            return events;
        }

        /// <summary>Rounds until every shard is read to its end, children of shards closed meanwhile included; false
        /// when some shard could not be (its round gave up after retries).</summary>
        private async Task<bool> DrainAsync(CancellationToken ct)
        {
            await _gate.WaitAsync(ct);
            try
            {
                StreamsPollResult round;
                var rounds = 0;
                do
                {
                    round = await _poller.PollOnceAsync(ct);
                    if (++rounds > 10_000) throw new InvalidOperationException("the stream did not settle after 10,000 rounds");
                }
                while (round.MorePending || _poller.RediscoveryDue);
                return _poller.Lag.ShardsBehind == 0;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _background;
            _poller.Dispose();
            _stop.Dispose();
            _gate.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2210, Level = LogLevel.Warning, Message = "The rebuild cannot follow the events table's stream ({Reason}); it will catch up by Scan")]
        public static partial void CannotFollow(ILogger logger, string reason);

        [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message = "The rebuild stopped following the events table's stream ({Reason}); it catches up by Scan")]
        public static partial void GaveUp(ILogger logger, string reason);
    }
}
