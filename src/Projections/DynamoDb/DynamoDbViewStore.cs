using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Faults;
using EventBot.Projections.Core;

namespace EventBot.Projections.DynamoDb;

/// <summary>
/// Read models in the views table (single-table design): a row is an item keyed by partition and sort, with its
/// body, its per-stream applied versions (a map) and a revision that every write checks. Named values
/// (checkpoints, generation pointers, dead letters) live under their own partition. Every call retries transient
/// failures with <paramref name="retry"/> (throttling, 5xx, timeouts, dropped connections); a conditional put retried
/// after a lost answer reports the condition failed, and the projector core then finds the row already applied.
/// </summary>
public sealed class DynamoDbViewStore(IAmazonDynamoDB client, DynamoDbStoreOptions options, TransientRetry? retry = null) : IViewStore, IBatchViewStore
{
    private readonly TransientRetry _retry = retry ?? TransientRetry.Default;
    private const string ValuesPartition = "meta#values";
    private const string Body = "body";
    private const string Applied = "applied";
    private const string Revision = "revision";
    private const string Value = "value";
    private readonly string _table = EventBotTables.ViewsTableName(options.TablePrefix);

    public async Task<ViewRow?> GetAsync(ViewKey key, CancellationToken ct)
    {
        var response = await _retry.RunAsync("GetItem", token => client.GetItemAsync(new GetItemRequest { TableName = _table, Key = Key(key.Partition, key.Sort), ConsistentRead = true }, token), ct);
        return response.Item is { Count: > 0 } item ? ToRow(item) : null;
    }

    public Task<IReadOnlyList<ViewRow>> QueryAsync(string partition, CancellationToken ct) => QueryAllAsync(partition, null, ToRow, ct);

    /// <summary>The body attribute only: the applied-versions map and the revision are neither sent nor parsed.</summary>
    public Task<IReadOnlyList<string>> QueryBodiesAsync(string partition, CancellationToken ct) =>
        QueryAllAsync(partition, Body, item => item[Body].S, ct);

    /// <summary>Every page of a partition, in sort order; <paramref name="attribute"/>: that attribute only, else whole items.</summary>
    private async Task<IReadOnlyList<T>> QueryAllAsync<T>(string partition, string? attribute, Func<Dictionary<string, AttributeValue>, T> read, CancellationToken ct)
    {
        var results = new List<T>();
        var names = new Dictionary<string, string> { ["#pk"] = EventBotTables.Pk };
        if (attribute is not null) names["#a"] = attribute;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await _retry.RunAsync("Query", token => client.QueryAsync(new QueryRequest
            {
                TableName = _table,
                ConsistentRead = true,
                KeyConditionExpression = "#pk = :pk",
                ProjectionExpression = attribute is null ? null : "#a",
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = new() { [":pk"] = new() { S = partition } },
                ExclusiveStartKey = start,
            }, token), ct);
            results.AddRange((page.Items ?? []).Select(read));
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
        return results;
    }

    public async Task<bool> TryWriteAsync(ViewRow row, long expectedRevision, CancellationToken ct)
    {
        var request = new PutItemRequest
        {
            TableName = _table,
            Item = ToItem(row),
            ExpressionAttributeNames = new() { ["#r"] = Revision },
            ConditionExpression = expectedRevision == 0 ? "attribute_not_exists(#r)" : "#r = :expected",
        };
        if (expectedRevision != 0) request.ExpressionAttributeValues = new() { [":expected"] = EventItem.N(expectedRevision) };
        try
        {
            await _retry.RunAsync("PutItem", token => client.PutItemAsync(request, token), ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Generation clean-up. Partitions cannot be listed by prefix without a Scan; this runs only in a rebuild (after
    /// its flip, and at its start when a crashed attempt left a generation), never on a query path.
    /// </summary>
    /// <remarks>One parallel Scan (<see cref="DynamoDbStoreOptions.ScanSegments"/> segments) filtered on every prefix
    /// at once; each page's keys are deleted by BatchWriteItem, 25 a request, 8 requests at a time, as the page arrives.</remarks>
    public async Task<IReadOnlyList<long>> DeletePartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct)
    {
        var deleted = new long[partitionPrefixes.Count];
        if (partitionPrefixes.Count == 0) return deleted;
        var values = new Dictionary<string, AttributeValue>();
        for (var i = 0; i < partitionPrefixes.Count; i++) values[$":p{i}"] = new() { S = partitionPrefixes[i] };
        var filter = string.Join(" OR ", values.Keys.Select(v => $"begins_with(#pk, {v})"));
        var segments = Math.Max(1, options.ScanSegments);
        await Parallel.ForEachAsync(Enumerable.Range(0, segments), new ParallelOptions { MaxDegreeOfParallelism = segments, CancellationToken = ct }, async (segment, token) =>
        {
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var page = await _retry.RunAsync("Scan", t => client.ScanAsync(new ScanRequest
                {
                    TableName = _table,
                    Segment = segment,
                    TotalSegments = segments,
                    FilterExpression = filter,
                    ProjectionExpression = "#pk, #sk",
                    ExpressionAttributeNames = new() { ["#pk"] = EventBotTables.Pk, ["#sk"] = EventBotTables.Sk },
                    ExpressionAttributeValues = values,
                    ExclusiveStartKey = start,
                }, t), token);
                var items = page.Items ?? [];
                await client.BatchWriteManyAsync(_table, items.Select(i => new WriteRequest(new DeleteRequest(i))), token, _retry);
                foreach (var item in items)
                {
                    var pk = item[EventBotTables.Pk].S;
                    for (var i = 0; i < partitionPrefixes.Count; i++)
                    {
                        if (!pk.StartsWith(partitionPrefixes[i], StringComparison.Ordinal)) continue;
                        Interlocked.Increment(ref deleted[i]);
                        break;
                    }
                }
                start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (start is not null);
        });
        return deleted;
    }

    public async Task DeleteAsync(ViewKey key, CancellationToken ct) =>
        await _retry.RunAsync("DeleteItem", token => client.DeleteItemAsync(new DeleteItemRequest { TableName = _table, Key = Key(key.Partition, key.Sort) }, token), ct);

    public async Task<IReadOnlyList<string>> ListPartitionsAsync(string partitionPrefix, CancellationToken ct)
    {
        var partitions = new SortedSet<string>(StringComparer.Ordinal);
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await _retry.RunAsync("Scan", token => client.ScanAsync(new ScanRequest
            {
                TableName = _table,
                FilterExpression = "begins_with(#pk, :prefix)",
                ProjectionExpression = "#pk",
                ExpressionAttributeNames = new() { ["#pk"] = EventBotTables.Pk },
                ExpressionAttributeValues = new() { [":prefix"] = new() { S = partitionPrefix } },
                ExclusiveStartKey = start,
            }, token), ct);
            foreach (var item in page.Items ?? []) partitions.Add(item[EventBotTables.Pk].S);
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
        return [.. partitions];
    }

    /// <summary>
    /// BatchWriteItem cannot carry conditions, so the batch is conditional puts sent concurrently (16 at a time):
    /// the per-row revision check still holds, and a rebuild's flush is not one round trip per row in sequence.
    /// </summary>
    public async Task WriteBatchAsync(IReadOnlyList<(ViewRow Row, long ExpectedRevision)> rows, CancellationToken ct) =>
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (r, token) =>
        {
            if (!await TryWriteAsync(r.Row, r.ExpectedRevision, token)) throw new ViewWriteConflictException(r.Row.Key);
        });

    /// <summary>BatchWriteItem, 25 rows a request, 8 requests at a time, unprocessed items retried with backoff.</summary>
    public Task WriteNewRowsAsync(IReadOnlyList<ViewRow> rows, CancellationToken ct) =>
        client.BatchWriteManyAsync(_table, rows.Select(r => new WriteRequest(new PutRequest(ToItem(r)))), ct, _retry);

    /// <summary>Overwriting an item costs one write, deleting one costs another: a rebuild overwrites its older slot.</summary>
    public bool PrefersSlotReuse => true;

    /// <summary>One consistent parallel Scan filtered on every prefix (a rebuild's start, reading the slot it overwrites).</summary>
    public async Task<IReadOnlyList<ViewRow>> ReadPartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct)
    {
        var rows = new System.Collections.Concurrent.ConcurrentBag<ViewRow>();
        if (partitionPrefixes.Count == 0) return [];
        var values = new Dictionary<string, AttributeValue>();
        for (var i = 0; i < partitionPrefixes.Count; i++) values[$":p{i}"] = new() { S = partitionPrefixes[i] };
        var filter = string.Join(" OR ", values.Keys.Select(v => $"begins_with(#pk, {v})"));
        var segments = Math.Max(1, options.ScanSegments);
        await Parallel.ForEachAsync(Enumerable.Range(0, segments), new ParallelOptions { MaxDegreeOfParallelism = segments, CancellationToken = ct }, async (segment, token) =>
        {
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var page = await _retry.RunAsync("Scan", t => client.ScanAsync(new ScanRequest
                {
                    TableName = _table,
                    Segment = segment,
                    TotalSegments = segments,
                    ConsistentRead = true,
                    FilterExpression = filter,
                    ExpressionAttributeNames = new() { ["#pk"] = EventBotTables.Pk },
                    ExpressionAttributeValues = values,
                    ExclusiveStartKey = start,
                }, t), token);
                foreach (var item in page.Items ?? []) rows.Add(ToRow(item));
                start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (start is not null);
        });
        return [.. rows];
    }

    /// <summary>BatchWriteItem puts, as for new rows: a put replaces the whole item.</summary>
    public Task OverwriteRowsAsync(IReadOnlyList<(ViewRow Row, long StoredRevision)> rows, CancellationToken ct) =>
        WriteNewRowsAsync([.. rows.Select(r => r.Row)], ct);

    /// <summary>BatchWriteItem deletes, 25 keys a request, 8 requests at a time.</summary>
    public Task DeleteRowsAsync(IReadOnlyList<ViewKey> keys, CancellationToken ct) =>
        client.BatchWriteManyAsync(_table, keys.Select(k => new WriteRequest(new DeleteRequest(Key(k.Partition, k.Sort)))), ct, _retry);

    public async Task<string?> GetValueAsync(string name, CancellationToken ct)
    {
        var response = await _retry.RunAsync("GetItem", token => client.GetItemAsync(new GetItemRequest { TableName = _table, Key = Key(ValuesPartition, name), ConsistentRead = true }, token), ct);
        return response.Item is { Count: > 0 } item && item.TryGetValue(Value, out var v) ? v.S : null;
    }

    public async Task SetValueAsync(string name, string value, CancellationToken ct)
    {
        var item = Key(ValuesPartition, name);
        item[Value] = new AttributeValue { S = value };
        await _retry.RunAsync("PutItem", token => client.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, token), ct);
    }

    private static Dictionary<string, AttributeValue> ToItem(ViewRow row)
    {
        var item = Key(row.Key.Partition, row.Key.Sort);
        item[Body] = new AttributeValue { S = row.Body };
        item[Applied] = new AttributeValue { M = row.Applied.ToDictionary(a => a.Key, a => EventItem.N(a.Value)) };
        item[Revision] = EventItem.N(row.Revision);
        return item;
    }

    private static Dictionary<string, AttributeValue> Key(string partition, string sort) => new()
    {
        [EventBotTables.Pk] = new() { S = partition },
        [EventBotTables.Sk] = new() { S = sort },
    };

    private static ViewRow ToRow(Dictionary<string, AttributeValue> item) => new(
        new ViewKey(item[EventBotTables.Pk].S, item[EventBotTables.Sk].S),
        item[Body].S,
        (item.TryGetValue(Applied, out var applied) && applied.M is not null ? applied.M : [])
            .ToDictionary(a => a.Key, a => long.Parse(a.Value.N, CultureInfo.InvariantCulture), StringComparer.Ordinal),
        long.Parse(item[Revision].N, CultureInfo.InvariantCulture));
}
