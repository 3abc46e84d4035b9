using System.Collections.Concurrent;
using System.Text.Json;
using EventBot.Testing;

namespace EventBot.Infrastructure.Tests.Iam;

/// <summary>
/// One authorization a request needs, as IAM evaluates it: the action (<c>dynamodb:PutItem</c>), the resource in an
/// account- and region-free form (<c>table/NAME</c>, <c>table/NAME/index/INDEX</c>, <c>table/NAME/stream</c> or
/// <c>*</c>) and, for actions on one item, the item's partition key value (what <c>dynamodb:LeadingKeys</c> sees).
/// </summary>
public sealed record IamCall(string Action, string Resource, string? LeadingKey = null)
{
    public override string ToString() => LeadingKey is null ? $"{Action} on {Resource}" : $"{Action} on {Resource} (key {LeadingKey})";
}

/// <summary>
/// Turns every request a process sends through its <see cref="DynamoDbProxy"/> into the <see cref="IamCall"/>s IAM
/// authorizes it by. A transaction is authorized item by item (Put → PutItem, Update → UpdateItem, Delete →
/// DeleteItem, ConditionCheck → ConditionCheckItem; TransactGetItems' Get → GetItem); a batch by its own action on
/// each table it names; Query and Scan on an index by the index; the Streams API on the stream, GetRecords included
/// (its iterator is traced back to the stream it was taken from).
/// </summary>
public sealed class IamRecorder
{
    readonly ConcurrentQueue<IamCall> _calls = new();
    readonly ConcurrentDictionary<string, string> _iteratorStreams = new(StringComparer.Ordinal);
    readonly Func<string, string?> _partitionKeyOf;

    /// <param name="partitionKeyOf">A table's partition key attribute (null: unknown), to record leading keys.</param>
    public IamRecorder(Func<string, string?> partitionKeyOf) => _partitionKeyOf = partitionKeyOf;

    /// <summary>Records every request <paramref name="proxy"/> passes on from now on.</summary>
    public IamRecorder(DynamoDbProxy proxy, Func<string, string?> partitionKeyOf)
        : this(partitionKeyOf) => proxy.Exchanged += Record;

    public IReadOnlyList<IamCall> Calls => [.. _calls];

    public void Record(ProxiedRequest request, ProxiedResponse response)
    {
        using var body = JsonDocument.Parse(request.Body.Length == 0 ? "{}"u8.ToArray() : request.Body);
        var operation = request.Operation ?? throw new InvalidOperationException("A request without X-Amz-Target: not a DynamoDB JSON call.");
        foreach (var call in request.IsStreams ? Streams(operation, body.RootElement) : DynamoDb(operation, body.RootElement))
            _calls.Enqueue(call);
        if (request.IsStreams && response.Status == 200) TraceIterators(operation, body.RootElement, response.Body);
    }

    IEnumerable<IamCall> DynamoDb(string operation, JsonElement body)
    {
        switch (operation)
        {
            case "TransactWriteItems":
                foreach (var item in body.GetProperty("TransactItems").EnumerateArray())
                {
                    var (kind, detail) = Single(item);
                    var action = kind switch
                    {
                        "Put" => "PutItem",
                        "Update" => "UpdateItem",
                        "Delete" => "DeleteItem",
                        "ConditionCheck" => "ConditionCheckItem",
                        _ => throw new InvalidOperationException($"Unknown transaction item {kind}."),
                    };
                    yield return Item(action, detail);
                }
                break;
            case "TransactGetItems":
                foreach (var item in body.GetProperty("TransactItems").EnumerateArray())
                    yield return Item("GetItem", item.GetProperty("Get"));
                break;
            case "BatchWriteItem" or "BatchGetItem":
                // IAM authorizes a batch by the batch action on each table; LeadingKeys would apply to every item.
                foreach (var requested in body.GetProperty("RequestItems").EnumerateObject())
                    yield return new IamCall("dynamodb:" + operation, Table(requested.Name));
                break;
            case "GetItem" or "PutItem" or "UpdateItem" or "DeleteItem":
                yield return Item(operation, body);
                break;
            case "Query" or "Scan":
                var name = body.GetProperty("TableName").GetString()!;
                yield return new IamCall("dynamodb:" + operation,
                    body.TryGetProperty("IndexName", out var index) ? $"{Table(name)}/index/{index.GetString()}" : Table(name));
                break;
            default:
                yield return new IamCall("dynamodb:" + operation,
                    body.TryGetProperty("TableName", out var named) ? Table(named.GetString()!) : "*");
                break;
        }
    }

    IEnumerable<IamCall> Streams(string operation, JsonElement body)
    {
        switch (operation)
        {
            case "DescribeStream" or "GetShardIterator":
                yield return new IamCall("dynamodb:" + operation, StreamOf(body.GetProperty("StreamArn").GetString()!));
                break;
            case "GetRecords":
                var iterator = body.GetProperty("ShardIterator").GetString()!;
                yield return new IamCall("dynamodb:GetRecords",
                    _iteratorStreams.TryGetValue(iterator, out var stream) ? stream : "stream-of-an-unknown-iterator");
                break;
            default:
                // ListStreams names no stream, only (optionally) a table: IAM authorizes it on "*".
                yield return new IamCall("dynamodb:" + operation, "*");
                break;
        }
    }

    void TraceIterators(string operation, JsonElement body, byte[] responseBody)
    {
        string? stream = operation switch
        {
            "GetShardIterator" => StreamOf(body.GetProperty("StreamArn").GetString()!),
            "GetRecords" => _iteratorStreams.GetValueOrDefault(body.GetProperty("ShardIterator").GetString()!),
            _ => null,
        };
        if (stream is null) return;
        using var answer = JsonDocument.Parse(responseBody);
        foreach (var name in new[] { "ShardIterator", "NextShardIterator" })
        {
            if (answer.RootElement.TryGetProperty(name, out var next) && next.ValueKind == JsonValueKind.String)
                _iteratorStreams[next.GetString()!] = stream;
        }
    }

    IamCall Item(string action, JsonElement request)
    {
        var table = request.GetProperty("TableName").GetString()!;
        var key = request.TryGetProperty("Key", out var k) ? k : request.TryGetProperty("Item", out var i) ? i : default;
        string? leading = null;
        if (_partitionKeyOf(table) is { } attribute && key.ValueKind == JsonValueKind.Object && key.TryGetProperty(attribute, out var value))
            leading = value.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()).First();
        return new IamCall("dynamodb:" + action, Table(table), leading);
    }

    static (string Kind, JsonElement Detail) Single(JsonElement item)
    {
        var property = item.EnumerateObject().Single();
        return (property.Name, property.Value);
    }

    static string Table(string name) => "table/" + name;

    /// <summary><c>arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL</c> → <c>table/NAME/stream</c>.</summary>
    static string StreamOf(string arn)
    {
        var at = arn.IndexOf(":table/", StringComparison.Ordinal);
        var end = arn.IndexOf("/stream/", StringComparison.Ordinal);
        return at < 0 || end < at ? "stream-" + arn : arn[(at + 1)..end] + "/stream";
    }
}
