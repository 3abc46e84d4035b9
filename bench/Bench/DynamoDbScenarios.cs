using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.Bot.Chat;
using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.Projections.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using EventBot.Projections.Replay;

namespace EventBot.Bench;

/// <summary>DynamoDB Local: every figure next to a raw SDK call on the same client and table, interleaved.</summary>
public static class DynamoDbScenarios
{
    public static Dictionary<string, string?> Environment(string dir, string prefix, bool projector) => new()
    {
        ["EVENTBOT_STORE"] = "dynamodb",
        ["EVENTBOT_CREATE_TABLES"] = "true",
        ["EVENTBOT_TABLE_PREFIX"] = prefix,
        ["EVENTBOT_PROJECTOR"] = projector ? "inprocess" : "off",
        ["EVENTBOT_DATA_DIR"] = dir,
    };

    /// <summary>
    /// Single-event appends through <see cref="DynamoDbEventStore"/> (TransactWriteItems: event + marker, and a
    /// condition check on the previous version for an existing stream) against one conditional PutItem of the same
    /// item, same table, same client, alternating which goes first.
    /// </summary>
    public static async Task<List<BenchMetric>> AppendRatioAsync(BenchSizes sizes, string dir, string prefix, CancellationToken ct)
    {
        using var host = SqliteScenarios.BuildHost(Environment(dir, prefix, projector: false));
        await host.StartAsync(ct);
        try
        {
            var store = host.Services.GetRequiredService<DynamoDbEventStore>();
            var client = host.Services.GetRequiredService<IAmazonDynamoDB>();
            var table = EventBotTables.EventsTableName(prefix);
            var codec = EventCodec.Default;
            Samples newStore = new(), newRaw = new(), newTx = new(), nextStore = new(), nextRaw = new(), nextTx = new();
            const int warmUp = 10;
            for (var i = 0; i < warmUp + sizes.DynamoAppendPairs; i++)
            {
                var (stream, data) = BenchData.Remember(codec, BenchData.Guild, $"append{i}", $"value {i}", null);
                var (rawStream, _) = BenchData.Remember(codec, BenchData.Guild, $"raw{i}", $"value {i}", null);
                var (txStream, _) = BenchData.Remember(codec, BenchData.Guild, $"tx{i}", $"value {i}", null);
                var keep = i >= warmUp;
                for (var version = 1; version <= 2; version++)
                {
                    EventEnvelope Envelope(StreamName name) => new(name.Value, version, Guid.CreateVersion7(), data.Type, data.SchemaVersion, data.Data,
                        BenchData.Guild.ToString(), BenchData.Author.Id.ToString(), BenchData.Author.DisplayName, BenchData.NewSource(), DateTimeOffset.UtcNow);
                    var storeTicks = 0L;
                    var rawTicks = 0L;
                    var txTicks = 0L;
                    async Task StoreSide()
                    {
                        var start = Stopwatch.GetTimestamp();
                        var result = await store.AppendAsync(stream, version - 1, [data], BenchData.Context(BenchData.Guild, BenchData.NewSource()), ct);
                        storeTicks = Stopwatch.GetTimestamp() - start;
                        if (result is not AppendResult.Appended) throw new InvalidOperationException($"append failed: {result}");
                    }
                    async Task RawSide()
                    {
                        var request = new PutItemRequest
                        {
                            TableName = table,
                            Item = EventItem.ToItem(Envelope(rawStream)),
                            ConditionExpression = "attribute_not_exists(#s)",
                            ExpressionAttributeNames = new() { ["#s"] = EventBotTables.StreamId },
                        };
                        var start = Stopwatch.GetTimestamp();
                        await client.PutItemAsync(request, ct);
                        rawTicks = Stopwatch.GetTimestamp() - start;
                    }
                    async Task RawTransactionSide()
                    {
                        var envelope = Envelope(txStream);
                        var request = DynamoDbEventStore.BuildAppendRequest(table, [envelope], envelope.Version - 1, envelope.Source, envelope.RecordedAt);
                        var start = Stopwatch.GetTimestamp();
                        await client.TransactWriteItemsAsync(request, ct);
                        txTicks = Stopwatch.GetTimestamp() - start;
                    }
                    Func<Task>[] sides = [StoreSide, RawSide, RawTransactionSide];
                    for (var s = 0; s < sides.Length; s++) await sides[(i + version + s) % sides.Length]();
                    if (!keep) continue;
                    (version == 1 ? newStore : nextStore).Add(storeTicks);
                    (version == 1 ? newRaw : nextRaw).Add(rawTicks);
                    (version == 1 ? newTx : nextTx).Add(txTicks);
                }
            }
            // The same new-stream append through the privacy layer (docs/privacy.md): the value's own key is created
            // (a second TransactWriteItems, to the keys table) and the value and the actor's name are encrypted.
            var privateStore = host.Services.GetRequiredService<EventBot.EventStore.Privacy.PrivateEventStore>();
            Samples encrypted = new(), encryptedRaw = new();
            for (var i = 0; i < warmUp + sizes.DynamoAppendPairs; i++)
            {
                var (stream, data) = BenchData.Remember(codec, BenchData.Guild, $"private{i}", $"value {i}", null);
                var (rawStream, _) = BenchData.Remember(codec, BenchData.Guild, $"privateraw{i}", $"value {i}", null);
                var start = Stopwatch.GetTimestamp();
                var result = await privateStore.AppendAsync(stream, 0, [data], BenchData.Context(BenchData.Guild, BenchData.NewSource()), ct);
                var storeTicks = Stopwatch.GetTimestamp() - start;
                if (result is not AppendResult.Appended) throw new InvalidOperationException($"append failed: {result}");
                var request = new PutItemRequest
                {
                    TableName = table,
                    Item = EventItem.ToItem(new EventEnvelope(rawStream.Value, 1, Guid.CreateVersion7(), data.Type, data.SchemaVersion, data.Data,
                        BenchData.Guild.ToString(), BenchData.Author.Id.ToString(), BenchData.Author.DisplayName, BenchData.NewSource(), DateTimeOffset.UtcNow)),
                    ConditionExpression = "attribute_not_exists(#s)",
                    ExpressionAttributeNames = new() { ["#s"] = EventBotTables.StreamId },
                };
                start = Stopwatch.GetTimestamp();
                await client.PutItemAsync(request, ct);
                var rawTicks = Stopwatch.GetTimestamp() - start;
                if (i < warmUp) continue;
                encrypted.Add(storeTicks);
                encryptedRaw.Add(rawTicks);
            }
            return
            [
                new("append_ratio_dynamodb_encrypted", encrypted.PercentileMs(50), "ms p50", encryptedRaw.PercentileMs(50), "conditional PutItem p50", null, "dynamodb",
                    $"new stream through the privacy layer (key file master): value key created (its own TransactWriteItems) + fields encrypted; without encryption {newStore.PercentileMs(50):0.0} ms p50"),
                new("append_ratio_dynamodb", newStore.PercentileMs(50), "ms p50", newRaw.PercentileMs(50), "conditional PutItem p50", "ratio ≤ 1.2", "dynamodb",
                    $"new stream: TransactWriteItems(event put + marker put); mean ratio {newStore.MeanMs() / newRaw.MeanMs():0.00}; {sizes.DynamoAppendPairs} pairs"),
                new("append_ratio_dynamodb_existing", nextStore.PercentileMs(50), "ms p50", nextRaw.PercentileMs(50), "conditional PutItem p50", "ratio ≤ 1.2", "dynamodb",
                    $"existing stream: TransactWriteItems(condition check v-1 + event put + marker put); mean ratio {nextStore.MeanMs() / nextRaw.MeanMs():0.00}"),
                new("append_dynamodb_vs_raw_transaction", newStore.PercentileMs(50), "ms p50", newTx.PercentileMs(50), "raw TransactWriteItems, same items, p50", null, "dynamodb",
                    $"diagnostic: what the store adds beyond the transaction itself (new stream); existing stream {nextStore.PercentileMs(50):0.0} vs {nextTx.PercentileMs(50):0.0} ms"),
            ];
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The real container with the in-process Streams poller: console-style messages (read-your-writes through the
    /// poller) against a raw PutItem + consistent GetItem, interleaved; then raw appends timed until the row is updated.
    /// </summary>
    public static async Task<List<BenchMetric>> CommandAndLagAsync(BenchSizes sizes, string dir, string prefix, CancellationToken ct)
    {
        using var host = SqliteScenarios.BuildHost(Environment(dir, prefix, projector: true));
        await host.StartAsync(ct);
        try
        {
            var bot = host.Services.GetRequiredService<ChatBot>();
            var client = host.Services.GetRequiredService<IAmazonDynamoDB>();
            var table = EventBotTables.EventsTableName(prefix);
            Samples commands = new(), raw = new();
            const int warmUp = 5;
            var catchingUp = 0;
            for (var i = 0; i < warmUp + sizes.CommandsDynamo; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var reply = await bot.HandleAsync(BenchData.Message($".remember k{i % 20} is value {i}"), ct);
                var elapsed = Stopwatch.GetTimestamp() - start;
                if (reply is null || !(reply.Text.StartsWith("Remembered", StringComparison.Ordinal) || reply.Text.StartsWith("Updated", StringComparison.Ordinal)))
                    throw new InvalidOperationException($"unexpected reply: {reply?.Text}");
                if (reply.Text.Contains("catching up", StringComparison.OrdinalIgnoreCase)) catchingUp++;
                var rawElapsed = await RawPutGetAsync(client, table, i, ct);
                if (i < warmUp) continue;
                commands.Add(elapsed);
                raw.Add(rawElapsed);
            }
            var lag = await SqliteScenarios.ProjectionLagAsync(host.Services, sizes.LagSamplesStreams, warmUp: 3, pollMs: 5, ct, maxPauseMs: 300);
            var note = $".remember k is v, read-your-writes through the Streams poller (250 ms poll interval){(catchingUp > 0 ? $", {catchingUp} timed out waiting" : "")}";
            return
            [
                new("command_rtt_dynamodb_p50", commands.PercentileMs(50), "ms", raw.PercentileMs(50), "PutItem + GetItem p50", null, "dynamodb", note),
                new("command_rtt_dynamodb_p99", commands.PercentileMs(99), "ms", raw.PercentileMs(99), "PutItem + GetItem p99", null, "dynamodb", note),
                new("projection_lag_streams_p50", lag.PercentileMs(50), "ms", null, null, "≤ 300", "dynamodb", "append committed → row applied, Streams poller in-process (250 ms idle poll), appends 0-300 ms apart at random"),
                new("projection_lag_streams_p99", lag.PercentileMs(99), "ms", null, null, "≤ 1,000", "dynamodb", "append committed → row applied, Streams poller in-process (250 ms idle poll), appends 0-300 ms apart at random"),
            ];
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The raw baseline of a write's round trip: one conditional PutItem of an event item, then its GetItem.</summary>
    internal static async Task<long> RawPutGetAsync(IAmazonDynamoDB client, string table, int i, CancellationToken ct)
    {
        var data = EventCodec.Default.Encode(new Domain.Remember.RememberEvent.ValueRemembered($"rawk{i}", $"value {i}", null));
        var context = BenchData.Context(BenchData.Guild, BenchData.NewSource());
        var envelope = new EventEnvelope($"remember/{BenchData.Guild}/rtt{Guid.NewGuid():N}", 1, Guid.CreateVersion7(), data.Type, data.SchemaVersion, data.Data,
            context.GuildId, context.ActorId, context.ActorName, context.Source, DateTimeOffset.UtcNow);
        var item = EventItem.ToItem(envelope);
        var start = Stopwatch.GetTimestamp();
        await client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = item,
            ConditionExpression = "attribute_not_exists(#s)",
            ExpressionAttributeNames = new() { ["#s"] = EventBotTables.StreamId },
        }, ct);
        await client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            ConsistentRead = true,
            Key = new() { [EventBotTables.StreamId] = item[EventBotTables.StreamId], [EventBotTables.Version] = item[EventBotTables.Version] },
        }, ct);
        return Stopwatch.GetTimestamp() - start;
    }

    /// <summary>
    /// Seeds a history recorded an hour earlier (see <see cref="SeedAsync"/>), then times the real
    /// <see cref="Rebuilder"/> (all projections, views table, catch-up from the table's stream) against a raw parallel
    /// Scan of the same events table with the same segment count, scanned before and after the rebuild. An unmeasured
    /// rebuild runs first: it pays for JIT compilation and first connections, and leaves what a running bot has, a full
    /// generation of read models, for the measured rebuild to replace and delete.
    /// </summary>
    public static async Task<List<BenchMetric>> RebuildRatioAsync(BenchSizes sizes, string dir, string prefix, CancellationToken ct)
    {
        using var host = SqliteScenarios.BuildHost(Environment(dir, prefix, projector: false));
        await host.StartAsync(ct);
        try
        {
            var client = host.Services.GetRequiredService<IAmazonDynamoDB>();
            var segments = host.Services.GetRequiredService<DynamoDbStoreOptions>().ScanSegments;
            var codec = EventCodec.Default;
            var table = EventBotTables.EventsTableName(prefix);
            // The shape of a guild's history at any size: 7 in 10 events remember one of n·3/50 keys, the rest sparkle
            // one of n/100 members (5,000 events: 300 keys and 50 members).
            var n = sizes.DynamoRebuildEvents;
            var recorded = DateTimeOffset.UtcNow.AddHours(-1);
            var events = Enumerable.Range(0, n).Select(i => i % 10 < 7
                ? BenchData.Remember(codec, BenchData.Guild, $"key{i % Math.Max(1, n * 3 / 50)}", $"value {i}", null)
                : BenchData.Sparkle(codec, BenchData.Guild, i % Math.Max(1, n / 100), recorded));
            await SeedAsync(client, table, events, recorded, ct);

            var rebuilder = host.Services.GetRequiredService<Rebuilder>();
            IProjection[] projections = [.. host.Services.GetServices<IProjection>()];
            // Warm-up, and what a running bot has: two rebuilds fill both slots (ReuseSlots), so the measured one
            // overwrites a full slot in place, as every rebuild after the second does.
            await rebuilder.RunAsync(projections, null, ct);
            await rebuilder.RunAsync(projections, null, ct);
            var scan1 = await RawScanAsync(client, table, segments, ct);
            var result = await rebuilder.RunAsync(projections, null, ct);
            var scan2 = await RawScanAsync(client, table, segments, ct);
            var work = result.Elapsed - result.Settled;
            var phases = string.Join(", ", result.Phases.Where(p => p.Phase != "settle").Select(p => $"{p.Phase} {p.Took.TotalSeconds:0.00} s"));
            var slots = rebuilder.ReuseSlots ? "overwriting the older of two slots in place" : "replacing a full generation (deleted after the flip)";
            return
            [
                new("rebuild_ratio_dynamodb", result.Events / work.TotalSeconds, "events/s", (scan1 + scan2) / 2,
                    $"raw parallel Scan, {segments} segments", "ratio ≥ 0.9", "dynamodb",
                    $"{result.Events:N0} events (history recorded 1 h before), all {projections.Length} projections into the views table, " +
                    $"{slots}; {work.TotalSeconds:0.00} s of work ({phases}; raw Scan {result.Events / ((scan1 + scan2) / 2):0.00} s), " +
                    $"rows written/unchanged/deleted {result.Rows.Written:N0}/{result.Rows.Unchanged:N0}/{result.Rows.Deleted:N0}, plus the fixed " +
                    $"{result.Settled.TotalSeconds:0.0} s wait after the flip (not counted)"),
            ];
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Seeds a history of single-event appends with the exact items the store writes for them (its own
    /// <see cref="DynamoDbEventStore.BuildAppendRequest"/>: the event and its idempotency marker), recorded a millisecond
    /// apart from <paramref name="recorded"/>, sent by BatchWriteItem: tens of thousands of transactions one by one
    /// would take minutes on DynamoDB Local.
    /// </summary>
    private static async Task SeedAsync(IAmazonDynamoDB client, string table, IEnumerable<(StreamName Stream, EventData Event)> events,
        DateTimeOffset recorded, CancellationToken ct)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        var at = recorded;
        foreach (var stream in events.GroupBy(e => e.Stream.Value))
        {
            var version = 0L;
            foreach (var (name, data) in stream)
            {
                var context = BenchData.Context(BenchData.Guild, BenchData.NewSource());
                at = at.AddMilliseconds(1);
                var envelope = new EventEnvelope(name.Value, ++version, Guid.CreateVersion7(at), data.Type, data.SchemaVersion, data.Data,
                    context.GuildId, context.ActorId, context.ActorName, context.Source, at);
                items.AddRange(DynamoDbEventStore.BuildAppendRequest(table, [envelope], version - 1, context.Source, at).TransactItems
                    .Where(i => i.Put is not null).Select(i => i.Put.Item));
            }
        }
        await client.BatchWriteManyAsync(table, items.Select(i => new WriteRequest(new PutRequest(i))), ct);
    }

    private static async Task<double> RawScanAsync(IAmazonDynamoDB client, string table, int segments, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var counts = await Task.WhenAll(Enumerable.Range(0, segments).Select(async segment =>
        {
            long count = 0;
            Dictionary<string, AttributeValue>? next = null;
            do
            {
                // The replay's own request (1,000-item pages; 1 MB pages measured slower here).
                var page = await client.ScanAsync(DynamoDbEventStore.BuildSegmentScanRequest(table, segment, segments, next), ct);
                count += (page.Items ?? []).Count(EventItem.IsEvent);
                next = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
            }
            while (next is not null);
            return count;
        }));
        return SqliteScenarios.Rate(counts.Sum(), Stopwatch.GetTimestamp() - start);
    }
}
