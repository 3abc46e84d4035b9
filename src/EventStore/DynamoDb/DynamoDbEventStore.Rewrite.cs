using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2.Model;

namespace EventBot.EventStore.DynamoDb;

/// <summary>
/// The sanctioned rewrite of legacy plaintext (<see cref="IEventRewriter"/>). In place: one conditional UpdateItem per
/// event (a MODIFY record in the table's stream). A move: the partition key cannot change, so a TransactWriteItems of
/// a conditional Delete of the old item and a conditional Put of the new one (a REMOVE and an INSERT record). Every
/// item written carries <see cref="EventItem.RewrittenAt"/>, which the Streams feeds read as "not a new event".
/// </summary>
public sealed partial class DynamoDbEventStore
{
    // 2 items per moved event, plus the old stream's unfold item (the moved-to marker, or its delete).
    private const int MovesPerTransaction = (MaxTransactItems - 1) / 2;

    public async Task<int> RewriteAsync(IReadOnlyList<EventRewrite> rewrites, CancellationToken ct)
    {
        EventRewrites.Validate(rewrites);
        if (rewrites.Count == 0) return 0;
        var at = EventItem.FormatTime(time.GetUtcNow());
        if (rewrites[0].Stored.StreamId == rewrites[0].Replacement.StreamId)
        {
            var rewritten = 0;
            foreach (var rewrite in rewrites)
                if (await UpdateInPlaceAsync(rewrite, at, ct)) rewritten++;
            return rewritten;
        }
        return await MoveAsync(rewrites, at, ct);
    }

    private async Task<bool> UpdateInPlaceAsync(EventRewrite rewrite, string at, CancellationToken ct)
    {
        var (stored, replacement) = rewrite;
        var request = new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(stored.StreamId, stored.Version),
            UpdateExpression = "SET #d = :d, #a = :a, #n = :n, #r = :r",
            ConditionExpression = "#e = :oe AND #d = :od AND #a = :oa AND #n = :on",
            ExpressionAttributeNames = new()
            {
                ["#d"] = EventItem.Data,
                ["#a"] = EventItem.ActorId,
                ["#n"] = EventItem.ActorName,
                ["#r"] = EventItem.RewrittenAt,
                ["#e"] = EventItem.EventId,
            },
            ExpressionAttributeValues = new()
            {
                [":d"] = new() { S = replacement.Data },
                [":a"] = new() { S = replacement.ActorId },
                [":n"] = new() { S = replacement.ActorName },
                [":r"] = new() { S = at },
                [":oe"] = new() { S = stored.EventId.ToString() },
                [":od"] = new() { S = stored.Data },
                [":oa"] = new() { S = stored.ActorId },
                [":on"] = new() { S = stored.ActorName },
            },
        };
        try
        {
            await _retry.RunAsync("UpdateItem", token => client.UpdateItemAsync(request, token), ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Moves in transactions of up to <see cref="MovesPerTransaction"/> events. Every transaction but the last also puts
    /// the moved-to marker at the old stream's unfold (version 0), so a crash between two of them leaves a marker that a
    /// repeated rewrite follows; the last one deletes it (and any unfold the legacy stream had).
    /// </summary>
    private async Task<int> MoveAsync(IReadOnlyList<EventRewrite> rewrites, string at, CancellationToken ct)
    {
        var from = rewrites[0].Stored.StreamId;
        var rewritten = 0;
        for (var start = 0; start < rewrites.Count; start += MovesPerTransaction)
        {
            var chunk = rewrites.Skip(start).Take(MovesPerTransaction).ToList();
            var last = start + chunk.Count >= rewrites.Count;
            if (await TryMoveAsync(chunk, last, at, ct))
                rewritten += chunk.Count;
            else
            {
                // Some event is no longer as expected (moved already, or changed): move the others one by one.
                foreach (var rewrite in chunk)
                    if (await TryMoveAsync([rewrite], last: false, at, ct)) rewritten++;
                if (last) await _retry.RunAsync("DeleteItem", token => client.DeleteItemAsync(new DeleteItemRequest { TableName = _table, Key = Key(from, 0) }, token), ct);
            }
            foreach (var (stored, replacement) in chunk) await RepointMarkerAsync(stored.Source, from, replacement.StreamId, ct);
        }
        return rewritten;
    }

    /// <summary>One transaction: per event a conditional Delete and a conditional Put, then the old unfold item (marker or delete). False when a condition failed.</summary>
    private async Task<bool> TryMoveAsync(IReadOnlyList<EventRewrite> chunk, bool last, string at, CancellationToken ct)
    {
        var from = chunk[0].Stored.StreamId;
        var to = chunk[0].Replacement.StreamId;
        var items = new List<TransactWriteItem>(chunk.Count * 2 + 1);
        foreach (var (stored, replacement) in chunk)
        {
            items.Add(new TransactWriteItem
            {
                Delete = new Delete
                {
                    TableName = _table,
                    Key = Key(stored.StreamId, stored.Version),
                    ConditionExpression = "#e = :oe AND #d = :od AND #a = :oa AND #n = :on",
                    ExpressionAttributeNames = new() { ["#e"] = EventItem.EventId, ["#d"] = EventItem.Data, ["#a"] = EventItem.ActorId, ["#n"] = EventItem.ActorName },
                    ExpressionAttributeValues = new()
                    {
                        [":oe"] = new() { S = stored.EventId.ToString() },
                        [":od"] = new() { S = stored.Data },
                        [":oa"] = new() { S = stored.ActorId },
                        [":on"] = new() { S = stored.ActorName },
                    },
                },
            });
            var item = EventItem.ToItem(replacement);
            item[EventItem.RewrittenAt] = new() { S = at };
            items.Add(new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = _table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#s)",
                    ExpressionAttributeNames = new() { ["#s"] = EventBotTables.StreamId },
                },
            });
        }
        items.Add(last
            ? new TransactWriteItem { Delete = new Delete { TableName = _table, Key = Key(from, 0) } }
            : new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = _table,
                    Item = EventItem.ToUnfoldItem(from, new UnfoldData(EventRewrites.MovedToType, 1, to), 0, Guid.Empty),
                },
            });
        try
        {
            await _retry.RunAsync("TransactWriteItems", token => client.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = items }, token), ct);
            return true;
        }
        catch (TransactionCanceledException ex) when ((ex.CancellationReasons ?? []).Any(r => r.Code == "ConditionalCheckFailed"))
        {
            return false;
        }
    }

    /// <summary>The idempotency marker of a moved event's source names the new stream (no marker, or another stream: left alone).</summary>
    private async Task RepointMarkerAsync(string source, string from, string to, CancellationToken ct)
    {
        try
        {
            await _retry.RunAsync("UpdateItem", token => client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _table,
                Key = Key(EventItem.MarkerKey(source), 0),
                UpdateExpression = "SET #t = :to",
                ConditionExpression = "#t = :from",
                ExpressionAttributeNames = new() { ["#t"] = EventItem.MarkerStream },
                ExpressionAttributeValues = new() { [":to"] = new() { S = to }, [":from"] = new() { S = from } },
            }, token), ct);
        }
        catch (ConditionalCheckFailedException)
        {
        }
    }
}
