using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.Faults;
using EventBot.EventStore.Privacy;

namespace EventBot.EventStore.DynamoDb;

/// <summary>
/// The event store on DynamoDB. An append is one TransactWriteItems: a conditional put per event
/// (<c>attribute_not_exists</c> on the key, so a version can exist only once), a condition check that the expected
/// version is the stream's last, and the idempotency marker of the source message. A failed condition comes back
/// as a value, never an exception. Transient failures (<see cref="Failures"/>) are retried by <paramref name="retry"/>;
/// an append is retried as the very same request with the same <c>ClientRequestToken</c>, so a retry whose first try
/// did commit (a lost response) is answered as a success, not as "handled before".
/// </summary>
public sealed partial class DynamoDbEventStore(IAmazonDynamoDB client, DynamoDbStoreOptions options, TimeProvider time, TransientRetry? retry = null)
    : IEventStore, IEventCountEstimator, ISegmentedEventReader, IRecentEventReader, IAppendWithKeys, IEventRewriter
{
    private const int MaxTransactItems = 100;
    private readonly string _table = EventBotTables.EventsTableName(options.TablePrefix);
    private readonly string _keysTable = EventBotTables.KeysTableName(options.TablePrefix);
    private readonly TransientRetry _retry = retry ?? TransientRetry.Default;

    public Task<AppendResult> AppendAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, AppendContext context, CancellationToken ct) =>
        AppendAsync(stream, expectedVersion, events, null, context, ct);

    public Task<AppendResult> AppendWithUnfoldAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData unfold,
        AppendContext context, CancellationToken ct) =>
        AppendAsync(stream, expectedVersion, events, unfold, context, ct);

    /// <summary>
    /// The keys table of <paramref name="keys"/> is this store's (same client, same prefix): its new keys can be put in
    /// the append's own transaction.
    /// </summary>
    public bool AddsKeysOf(IKeyStore keys) =>
        keys is DynamoDbKeyStore store && ReferenceEquals(store.Client, client) && store.TableName == EventBotTables.KeysTableName(options.TablePrefix);

    /// <summary>
    /// The append's transaction with the puts of <paramref name="keys"/> (key and lookup, each <c>attribute_not_exists</c>)
    /// added: one round trip instead of a key transaction before the append, and a key exists only if its version was
    /// written (a refused, conflicting or redelivered append leaves none behind).
    /// </summary>
    public Task<AppendResult> AppendWithKeysAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData? unfold,
        IReadOnlyList<KeyRecord> keys, AppendContext context, CancellationToken ct)
    {
        if (events.Count + 3 + keys.Count * 2 > MaxTransactItems) throw new KeysNotAddedException("The keys do not fit the append's transaction.");
        return AppendAsync(stream, expectedVersion, events, unfold, context, ct, keys);
    }

    private async Task<AppendResult> AppendAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData? unfold,
        AppendContext context, CancellationToken ct, IReadOnlyList<KeyRecord>? keys = null)
    {
        if (events.Count == 0) throw new ArgumentException("Nothing to append.", nameof(events));
        if (events.Count + 3 > MaxTransactItems)
            throw new ArgumentException($"At most {MaxTransactItems - 3} events fit one append.", nameof(events));

        var now = time.GetUtcNow();
        var envelopes = events.Select((e, i) => new EventEnvelope(stream.Value, expectedVersion + i + 1, Guid.CreateVersion7(now), e.Type,
            e.SchemaVersion, e.Data, context.GuildId, context.ActorId, context.ActorName, context.Source, now)
        {
            CorrelationId = context.CorrelationId,
            CausationId = context.CausationId,
            TraceParent = context.TraceParent,
        }).ToList();
        var lastVersion = expectedVersion + events.Count;

        var request = BuildAppendRequest(_table, envelopes, expectedVersion, context.Source, now, unfold);
        var appendItems = request.TransactItems.Count;
        foreach (var key in keys ?? []) request.TransactItems.AddRange(DynamoDbKeyStore.AddItems(_keysTable, key));

        request.ClientRequestToken = ClientRequestToken(_table, context.Source, stream.Value, expectedVersion, envelopes[0].EventId);

        try
        {
            await _retry.RunAsync("TransactWriteItems", token => client.TransactWriteItemsAsync(request, token), ct);
            return new AppendResult.Appended(envelopes, lastVersion);
        }
        catch (TransactionCanceledException ex) when (!Failures.IsConflictOnly(ex.CancellationReasons))
        {
            var reasons = ex.CancellationReasons ?? [];
            var markerFailed = reasons.Count == request.TransactItems.Count && reasons[MarkerIndex(expectedVersion, envelopes.Count)].Code == "ConditionalCheckFailed";
            if (markerFailed && await ReadMarkerAsync(context.Source, ct) is { } first) return first;
            if (reasons.Take(appendItems).Any(r => r.Code == "ConditionalCheckFailed"))
                return new AppendResult.WrongExpectedVersion(expectedVersion, await LastVersionAsync(stream.Value, ct));
            // Only a key's lookup was taken (a key stored on its own before an append that never landed): nothing was
            // written; the caller stores its keys the other way, finding that one.
            if (reasons.Skip(appendItems).Any(r => r.Code == "ConditionalCheckFailed"))
                throw new KeysNotAddedException("A new key's lookup is taken.", ex);
            throw;
        }
        catch (IdempotentParameterMismatchException)
        {
            // Only on a hash collision of two different appends' tokens: answer by what the store holds.
            if (await ReadMarkerAsync(context.Source, ct) is { } first) return first;
            return new AppendResult.WrongExpectedVersion(expectedVersion, await LastVersionAsync(stream.Value, ct));
        }
        // Anything else transient, after the retry budget, reaches the caller (a chat reply says "try again").
    }

    /// <summary>
    /// The append's idempotency token (≤ 36 characters): a hash of the table, the source message, the stream, the expected
    /// version and the first new event's id. The SDK's retries and ours resend the very same request, so a retry of an
    /// append that did commit (its answer lost) succeeds instead of finding the marker and answering "handled before".
    /// A decision taken again (after a conflict, or a redelivery of the message) has new event ids and so a token of its
    /// own: DynamoDB's tokens live ten minutes per account and region, and a token sent again with other content would
    /// be refused with IdempotentParameterMismatch.
    /// </summary>
    public static string ClientRequestToken(string table, string source, string stream, long expectedVersion, Guid firstEventId)
    {
        var text = string.Join('\n', table, source, stream, expectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), firstEventId.ToString("N"));
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash)[..36];
    }

    /// <summary>Where <see cref="BuildAppendRequest"/> puts the idempotency marker: after the version check and the events.</summary>
    private static int MarkerIndex(long expectedVersion, int events) => (expectedVersion > 0 ? 1 : 0) + events;

    /// <summary>
    /// The transaction an append writes: a condition check on <paramref name="expectedVersion"/> (when above 0), one
    /// conditional put per envelope, the idempotency marker put for <paramref name="source"/>, and last, when given,
    /// the put of <paramref name="unfold"/> (unconditional: the transaction commits it only with the events it was
    /// folded from). Public so the benchmark's baseline sends exactly the items the store sends.
    /// </summary>
    public static TransactWriteItemsRequest BuildAppendRequest(string table, IReadOnlyList<EventEnvelope> envelopes, long expectedVersion, string source, DateTimeOffset now,
        UnfoldData? unfold = null)
    {
        var streamId = envelopes[0].StreamId;
        var items = new List<TransactWriteItem>(envelopes.Count + 2);
        if (expectedVersion > 0)
        {
            // attribute_not_exists on the new versions alone would accept a caller that skipped versions.
            items.Add(new TransactWriteItem
            {
                ConditionCheck = new ConditionCheck
                {
                    TableName = table,
                    Key = Key(streamId, expectedVersion),
                    ConditionExpression = "attribute_exists(#s)",
                    ExpressionAttributeNames = new() { ["#s"] = EventBotTables.StreamId },
                },
            });
        }
        items.AddRange(envelopes.Select(e => new TransactWriteItem
        {
            Put = new Put
            {
                TableName = table,
                Item = EventItem.ToItem(e),
                ConditionExpression = "attribute_not_exists(#s)",
                ExpressionAttributeNames = new() { ["#s"] = EventBotTables.StreamId },
            },
        }));
        items.Add(new TransactWriteItem
        {
            Put = new Put
            {
                TableName = table,
                Item = new()
                {
                    [EventBotTables.StreamId] = new() { S = EventItem.MarkerKey(source) },
                    [EventBotTables.Version] = EventItem.N(0),
                    [EventItem.MarkerStream] = new() { S = streamId },
                    [EventItem.MarkerFirst] = EventItem.N(expectedVersion + 1),
                    [EventItem.MarkerLast] = EventItem.N(expectedVersion + envelopes.Count),
                    [EventBotTables.RecordedAt] = new() { S = EventItem.FormatTime(now) },
                },
                ConditionExpression = "attribute_not_exists(#s)",
                ExpressionAttributeNames = new() { ["#s"] = EventBotTables.StreamId },
            },
        });
        if (unfold is not null)
            items.Add(new TransactWriteItem { Put = new Put { TableName = table, Item = EventItem.ToUnfoldItem(streamId, unfold, envelopes[^1].Version, envelopes[^1].EventId) } });
        return new TransactWriteItemsRequest { TransactItems = items };
    }

    public async Task<IReadOnlyList<EventEnvelope>> ReadStreamBackwardAsync(StreamName stream, long beforeVersion, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (beforeVersion <= 1) return [];
        var events = new List<EventEnvelope>(Math.Min(limit, 1000));
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            // Newest first from the key's sort order, versions 1..before-1 (0 is the unfold): a page costs its own items.
            var page = await _retry.RunAsync("Query", token => client.QueryAsync(new QueryRequest
            {
                TableName = _table,
                ConsistentRead = true,
                KeyConditionExpression = "#s = :s AND #v BETWEEN :first AND :last",
                ExpressionAttributeNames = new() { ["#s"] = EventBotTables.StreamId, ["#v"] = EventBotTables.Version },
                ExpressionAttributeValues = new()
                {
                    [":s"] = new() { S = stream.Value },
                    [":first"] = EventItem.N(1),
                    [":last"] = EventItem.N(beforeVersion == StreamRead.FromEnd ? long.MaxValue : beforeVersion - 1),
                },
                ScanIndexForward = false,
                Limit = limit - events.Count,
                ExclusiveStartKey = start,
            }, token), ct);
            events.AddRange((page.Items ?? []).Where(EventItem.IsEvent).Select(EventItem.FromItem));
            start = page.LastEvaluatedKey is { Count: > 0 } next && events.Count < limit ? next : null;
        }
        while (start is not null);
        return events;
    }

    public async Task<StreamUnfold?> ReadUnfoldAsync(StreamName stream, CancellationToken ct)
    {
        var response = await _retry.RunAsync("GetItem", token => client.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = Key(stream.Value, 0),
            ConsistentRead = true,
        }, token), ct);
        return EventItem.FromUnfoldItem(response.Item is { Count: > 0 } item ? item : null);
    }

    public async Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(StreamName stream, long fromVersion, CancellationToken ct)
    {
        var events = new List<EventEnvelope>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await _retry.RunAsync("Query", token => client.QueryAsync(new QueryRequest
            {
                TableName = _table,
                ConsistentRead = true,
                KeyConditionExpression = "#s = :s AND #v >= :v",
                ExpressionAttributeNames = new() { ["#s"] = EventBotTables.StreamId, ["#v"] = EventBotTables.Version },
                ExpressionAttributeValues = new() { [":s"] = new() { S = stream.Value }, [":v"] = EventItem.N(Math.Max(1, fromVersion)) },
                ExclusiveStartKey = start,
            }, token), ct);
            events.AddRange((page.Items ?? []).Where(EventItem.IsEvent).Select(EventItem.FromItem));
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
        return events;
    }

    public async Task<IReadOnlyList<EventEnvelope>> ReadGuildHistoryAsync(string guildId, string category, int skip, int take, CancellationToken ct)
    {
        var events = new List<EventEnvelope>(take);
        var toSkip = skip;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await _retry.RunAsync("Query", token => client.QueryAsync(new QueryRequest
            {
                TableName = _table,
                IndexName = EventBotTables.GuildIndex,
                KeyConditionExpression = "#g = :g",
                ExpressionAttributeNames = new() { ["#g"] = EventBotTables.GuildCategory },
                ExpressionAttributeValues = new() { [":g"] = new() { S = EventItem.GuildCategory(guildId, category) } },
                ScanIndexForward = false,
                Limit = Math.Min(1000, toSkip + take - events.Count),
                ExclusiveStartKey = start,
            }, token), ct);
            foreach (var item in page.Items ?? [])
            {
                if (toSkip > 0) { toSkip--; continue; }
                if (events.Count < take) events.Add(EventItem.FromItem(item));
            }
            start = page.LastEvaluatedKey is { Count: > 0 } next && events.Count < take ? next : null;
        }
        while (start is not null);
        return events;
    }

    /// <summary>A Query of the <c>by_guild</c> index (guild_category, recorded_at), oldest first, page by page.</summary>
    public async IAsyncEnumerable<EventEnvelope> ReadGuildEventsAsync(string guildId, string category, [EnumeratorCancellation] CancellationToken ct)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await _retry.RunAsync("Query", token => client.QueryAsync(new QueryRequest
            {
                TableName = _table,
                IndexName = EventBotTables.GuildIndex,
                KeyConditionExpression = "#g = :g",
                ExpressionAttributeNames = new() { ["#g"] = EventBotTables.GuildCategory },
                ExpressionAttributeValues = new() { [":g"] = new() { S = EventItem.GuildCategory(guildId, category) } },
                ScanIndexForward = true,
                ExclusiveStartKey = start,
            }, token), ct);
            // Only events: a marker item (a moved stream's, docs/privacy.md) can carry the index key too.
            foreach (var item in page.Items ?? [])
                if (EventItem.IsEvent(item)) yield return EventItem.FromItem(item);
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
    }

    /// <summary>Every event via a parallel Scan; each stream lives in one segment, read in order, so per-stream order holds.</summary>
    public IAsyncEnumerable<EventEnvelope> ReadAllAsync(CancellationToken ct) => ScanAsync(null, ct);

    /// <summary>
    /// A parallel Scan whose filter on recorded_at (fixed-width UTC text, so text order is time order) runs on the
    /// server: only recent events cross the wire. DynamoDB still reads, and on AWS bills, the whole table.
    /// </summary>
    public IAsyncEnumerable<EventEnvelope> ReadRecordedSinceAsync(DateTimeOffset since, CancellationToken ct) => ScanAsync(since, ct);

    private async IAsyncEnumerable<EventEnvelope> ScanAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<EventEnvelope>(new BoundedChannelOptions(4096) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producers = Task.WhenAll(Enumerable.Range(0, Segments).Select(segment => ScanSegmentAsync(segment, since, channel.Writer, stop.Token)))
            .ContinueWith(t => channel.Writer.TryComplete(t.Exception?.GetBaseException()), TaskScheduler.Default);
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(ct)) yield return e;
        }
        finally
        {
            await stop.CancelAsync();
            await producers;
        }
    }

    public int Segments => Math.Max(1, options.ScanSegments);

    /// <summary>
    /// A consistent Scan request for one page of one segment. A replay pages by 1,000 items (small enough for a smooth
    /// progress bar and frequent resume points); a full read asks for <paramref name="limit"/> null (1 MB pages).
    /// Public so the benchmark's raw Scan sends exactly the replay's request.
    /// </summary>
    public static ScanRequest BuildSegmentScanRequest(string table, int segment, int segments, Dictionary<string, AttributeValue>? start,
        int? limit = 1000) =>
        new() { TableName = table, Segment = segment, TotalSegments = segments, ConsistentRead = true, ExclusiveStartKey = start, Limit = limit };

    /// <summary>One Scan page of one segment; the cursor is the page's LastEvaluatedKey (stream id and version) as JSON.</summary>
    public async Task<SegmentPage> ReadSegmentPageAsync(int segment, string? cursor, CancellationToken ct)
    {
        Dictionary<string, AttributeValue>? start = null;
        if (cursor is not null)
        {
            var key = System.Text.Json.JsonSerializer.Deserialize<SegmentCursor>(cursor)!;
            start = Key(key.Stream, key.Version);
        }
        var page = await _retry.RunAsync("Scan", token => client.ScanAsync(BuildSegmentScanRequest(_table, segment, Segments, start), token), ct);
        var events = (page.Items ?? []).Where(EventItem.IsEvent).Select(EventItem.FromItem).ToList();
        string? next = page.LastEvaluatedKey is { Count: > 0 } last
            ? System.Text.Json.JsonSerializer.Serialize(new SegmentCursor(last[EventBotTables.StreamId].S,
                long.Parse(last[EventBotTables.Version].N, System.Globalization.CultureInfo.InvariantCulture)))
            : null;
        return new SegmentPage(events, next);
    }

    private sealed record SegmentCursor(string Stream, long Version);

    private async Task ScanSegmentAsync(int segment, DateTimeOffset? since, ChannelWriter<EventEnvelope> writer, CancellationToken ct)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = BuildSegmentScanRequest(_table, segment, Segments, start, limit: null);
            if (since is { } from)
            {
                request.FilterExpression = "#at >= :since";
                request.ExpressionAttributeNames = new() { ["#at"] = EventBotTables.RecordedAt };
                request.ExpressionAttributeValues = new() { [":since"] = new AttributeValue { S = EventItem.FormatTime(from) } };
            }
            var page = await _retry.RunAsync("Scan", token => client.ScanAsync(request, token), ct);
            foreach (var item in page.Items ?? [])
                if (EventItem.IsEvent(item)) await writer.WriteAsync(EventItem.FromItem(item), ct);
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
    }

    /// <summary>DescribeTable's ItemCount: approximate (refreshed about every six hours) and it includes idempotency markers.</summary>
    public async Task<EventCountEstimate> EstimateEventCountAsync(CancellationToken ct)
    {
        var table = await _retry.RunAsync("DescribeTable", token => client.DescribeTableAsync(new DescribeTableRequest { TableName = _table }, token), ct);
        return new EventCountEstimate(table.Table.ItemCount ?? 0, Exact: false, "DescribeTable ItemCount (approximate, includes idempotency markers)");
    }

    private async Task<AppendResult.AlreadyProcessed?> ReadMarkerAsync(string source, CancellationToken ct)
    {
        var response = await _retry.RunAsync("GetItem", token => client.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = Key(EventItem.MarkerKey(source), 0),
            ConsistentRead = true,
        }, token), ct);
        if (response.Item is not { Count: > 0 } item) return null;
        return new AppendResult.AlreadyProcessed(item[EventItem.MarkerStream].S,
            long.Parse(item[EventItem.MarkerFirst].N, System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(item[EventItem.MarkerLast].N, System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<long> LastVersionAsync(string stream, CancellationToken ct)
    {
        var page = await _retry.RunAsync("Query", token => client.QueryAsync(new QueryRequest
        {
            TableName = _table,
            ConsistentRead = true,
            KeyConditionExpression = "#s = :s",
            ExpressionAttributeNames = new() { ["#s"] = EventBotTables.StreamId, ["#v"] = EventBotTables.Version },
            ExpressionAttributeValues = new() { [":s"] = new() { S = stream } },
            ScanIndexForward = false,
            Limit = 1,
            ProjectionExpression = "#s, #v",
        }, token), ct);
        return page.Items is not { Count: > 0 } found ? 0 : long.Parse(found[0][EventBotTables.Version].N, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, AttributeValue> Key(string stream, long version) => new()
    {
        [EventBotTables.StreamId] = new() { S = stream },
        [EventBotTables.Version] = EventItem.N(version),
    };
}

/// <summary>DynamoDB settings for the stores (bound from <c>EVENTBOT_TABLE_PREFIX</c> etc.).</summary>
public sealed class DynamoDbStoreOptions
{
    /// <summary>Prefix of both table names (<c>EVENTBOT_TABLE_PREFIX</c>). Default <c>eventbot-</c>.</summary>
    public string TablePrefix { get; set; } = EventBotTables.DefaultPrefix;

    /// <summary>Parallel Scan segments for replay (<c>EVENTBOT_SCAN_SEGMENTS</c>). Default 8.</summary>
    public int ScanSegments { get; set; } = 8;
}
