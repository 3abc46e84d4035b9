using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Faults;

namespace EventBot.EventStore.Privacy;

/// <summary>
/// Keys in the DynamoDB keys table (<see cref="EventBotTables.Keys"/>): one item per key (<c>key#{id}</c>) and one per
/// lookup (<c>lookup#{hmac}</c> → key id), written together in a transaction whose conditions make the first of two
/// racing creators win. No Streams on this table. Key items carry their owner and guild as the keys of two sparse
/// indexes, so an erasure lists them with a Query.
/// </summary>
public sealed class DynamoDbKeyStore(IAmazonDynamoDB client, DynamoDbStoreOptions options, TransientRetry? retry = null) : IKeyStore
{
    private const string KeyPrefix = "key#";
    private const string LookupPrefix = "lookup#";
    private readonly string _table = EventBotTables.KeysTableName(options.TablePrefix);
    private readonly TransientRetry _retry = retry ?? TransientRetry.Default;

    public async Task<KeyRecord> AddOrGetAsync(KeyRecord record, CancellationToken ct)
    {
        try
        {
            await _retry.RunAsync("TransactWriteItems", token => client.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems =
                [
                    new() { Put = new Put { TableName = _table, Item = ToItem(record), ConditionExpression = "attribute_not_exists(#id)", ExpressionAttributeNames = new() { ["#id"] = EventBotTables.KeyId } } },
                    new()
                    {
                        Put = new Put
                        {
                            TableName = _table,
                            Item = new() { [EventBotTables.KeyId] = new() { S = LookupPrefix + record.Lookup }, ["target"] = new() { S = record.KeyId } },
                            ConditionExpression = "attribute_not_exists(#id)",
                            ExpressionAttributeNames = new() { ["#id"] = EventBotTables.KeyId },
                        },
                    },
                ],
            }, token), ct);
            return record;
        }
        catch (TransactionCanceledException ex) when (ex.CancellationReasons?.Any(r => r.Code == "ConditionalCheckFailed") == true)
        {
            return await FindAsync(record.Lookup, ct) ?? await GetAsync(record.KeyId, ct)
                ?? throw new InvalidOperationException("A key's lookup was taken, then removed, while it was being added.");
        }
    }

    public async Task<KeyRecord?> GetAsync(string keyId, CancellationToken ct)
    {
        var item = await GetItemAsync(KeyPrefix + keyId, ct);
        return item is null ? null : FromItem(item);
    }

    public async Task<KeyRecord?> FindAsync(string lookup, CancellationToken ct)
    {
        var alias = await GetItemAsync(LookupPrefix + lookup, ct);
        return alias is null ? null : await GetAsync(alias["target"].S, ct);
    }

    /// <summary>
    /// By owner or by guild, a Query of the sparse index (<see cref="EventBotTables.KeyOwnerIndex"/>,
    /// <see cref="EventBotTables.KeyGuildIndex"/>): what the bot's role may do. Both null (<c>privacy status</c>, an
    /// operator's count) scans. A GSI is eventually consistent: a key added a moment ago may be missing from it, so an
    /// erasure also finds the keys it can name by their lookup (<see cref="FindAsync"/>, consistent).
    /// </summary>
    public async Task<IReadOnlyList<KeyRecord>> ListAsync(string? guildId, string? owner, CancellationToken ct)
    {
        var found = new List<KeyRecord>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var items = owner is not null || guildId is not null
                ? await QueryIndexAsync(owner is not null ? EventBotTables.KeyOwnerIndex : EventBotTables.KeyGuildIndex,
                    owner is not null ? EventBotTables.KeyOwner : EventBotTables.KeyGuild, owner ?? guildId!, start, ct)
                : await ScanAsync(start, ct);
            foreach (var item in items.Items)
            {
                if (!item[EventBotTables.KeyId].S.StartsWith(KeyPrefix, StringComparison.Ordinal)) continue;
                var record = FromItem(item);
                if ((guildId is null || record.GuildId == guildId) && (owner is null || record.Owner == owner)) found.Add(record);
            }
            start = items.Next;
        }
        while (start is not null);
        return found;
    }

    private async Task<(List<Dictionary<string, AttributeValue>> Items, Dictionary<string, AttributeValue>? Next)> QueryIndexAsync(
        string index, string attribute, string value, Dictionary<string, AttributeValue>? start, CancellationToken ct)
    {
        var page = await _retry.RunAsync("Query", token => client.QueryAsync(new QueryRequest
        {
            TableName = _table,
            IndexName = index,
            KeyConditionExpression = "#a = :v",
            ExpressionAttributeNames = new() { ["#a"] = attribute },
            ExpressionAttributeValues = new() { [":v"] = new() { S = value } },
            ExclusiveStartKey = start,
        }, token), ct);
        return (page.Items ?? [], page.LastEvaluatedKey is { Count: > 0 } next ? next : null);
    }

    private async Task<(List<Dictionary<string, AttributeValue>> Items, Dictionary<string, AttributeValue>? Next)> ScanAsync(
        Dictionary<string, AttributeValue>? start, CancellationToken ct)
    {
        var page = await _retry.RunAsync("Scan", token => client.ScanAsync(new ScanRequest { TableName = _table, ConsistentRead = true, ExclusiveStartKey = start }, token), ct);
        return (page.Items ?? [], page.LastEvaluatedKey is { Count: > 0 } next ? next : null);
    }

    public async Task<int> DeleteAsync(IReadOnlyList<KeyRecord> records, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var record in records)
        {
            var old = await _retry.RunAsync("DeleteItem", token => client.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = _table,
                Key = new() { [EventBotTables.KeyId] = new() { S = KeyPrefix + record.KeyId } },
                ReturnValues = ReturnValue.ALL_OLD,
            }, token), ct);
            if (old.Attributes is { Count: > 0 }) deleted++;
            await _retry.RunAsync("DeleteItem", token => client.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = _table,
                Key = new() { [EventBotTables.KeyId] = new() { S = LookupPrefix + record.Lookup } },
            }, token), ct);
        }
        return deleted;
    }

    public async Task<IReadOnlyDictionary<string, long>> CountAsync(CancellationToken ct)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var record in await ListAsync(null, null, ct)) counts[record.Kind] = counts.GetValueOrDefault(record.Kind) + 1;
        return counts;
    }

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(string id, CancellationToken ct)
    {
        var response = await _retry.RunAsync("GetItem", token => client.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = new() { [EventBotTables.KeyId] = new() { S = id } },
            ConsistentRead = true,
        }, token), ct);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private static Dictionary<string, AttributeValue> ToItem(KeyRecord r)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [EventBotTables.KeyId] = new() { S = KeyPrefix + r.KeyId },
            ["lookup"] = new() { S = r.Lookup },
            ["kind"] = new() { S = r.Kind },
            ["wrapped_by"] = new() { S = r.WrappedBy },
            ["wrapped"] = new() { S = r.Wrapped },
            ["sealed"] = new() { S = r.Sealed.Length == 0 ? "-" : r.Sealed },
        };
        // Index keys only when there is one (sparse indexes; items written before them held "-", read back as empty).
        if (r.GuildId.Length > 0) item[EventBotTables.KeyGuild] = new() { S = r.GuildId };
        if (r.Owner.Length > 0) item[EventBotTables.KeyOwner] = new() { S = r.Owner };
        return item;
    }

    private static KeyRecord FromItem(Dictionary<string, AttributeValue> item)
    {
        static string Text(Dictionary<string, AttributeValue> item, string name) => !item.TryGetValue(name, out var v) || v.S is null or "-" ? "" : v.S;
        return new KeyRecord(item[EventBotTables.KeyId].S[KeyPrefix.Length..], item["lookup"].S, item["kind"].S, Text(item, "guild_id"),
            Text(item, "owner"), item["wrapped_by"].S, item["wrapped"].S, Text(item, "sealed"));
    }
}
