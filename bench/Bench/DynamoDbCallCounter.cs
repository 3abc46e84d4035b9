using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace EventBot.Bench;

/// <summary>
/// Every DynamoDB call one client makes (the bot's commands, the projector's rows, the lag probe), by operation, so a
/// load run can say how many calls per command it asked of DynamoDB Local, beside what that instance serves raw.
/// Streams reads (GetRecords and friends) go through their own client and are not counted.
/// </summary>
public sealed class DynamoDbCallCounter : IDisposable
{
    private readonly AmazonServiceClient _client;
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);

    public DynamoDbCallCounter(IAmazonDynamoDB client)
    {
        _client = (AmazonServiceClient)client;
        _client.BeforeRequestEvent += Before;
    }

    /// <summary>The calls so far, by operation.</summary>
    public Dictionary<string, long> Snapshot() => new(_calls, StringComparer.Ordinal);

    /// <summary>The calls made between two snapshots, by operation.</summary>
    public static Dictionary<string, long> Between(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after.Select(kv => (kv.Key, Count: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(x => x.Count > 0)
            .ToDictionary(x => x.Key, x => x.Count, StringComparer.Ordinal);

    /// <summary>"2.6 calls per command: TransactWriteItems 0.31, Query 0.9, …", most frequent first.</summary>
    public static string PerCommand(IReadOnlyDictionary<string, long> calls, int commands) =>
        commands == 0
            ? "no commands"
            : string.Create(CultureInfo.InvariantCulture, $"{calls.Values.Sum() / (double)commands:0.##} calls per command: ") +
              string.Join(", ", calls.OrderByDescending(kv => kv.Value)
                  .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value / (double)commands:0.##}")));

    public void Dispose() => _client.BeforeRequestEvent -= Before;

    private void Before(object sender, RequestEventArgs e)
    {
        if (e is not WebServiceRequestEventArgs { Request: { } request }) return;
        var name = request.GetType().Name;
        _calls.AddOrUpdate(name.EndsWith("Request", StringComparison.Ordinal) ? name[..^"Request".Length] : name, 1, (_, n) => n + 1);
    }

    /// <summary>
    /// What the instance serves with nothing of ours in the way: <paramref name="callers"/> loops of PutItem then
    /// consistent GetItem of a small item, on a table of their own (no stream), for <paramref name="duration"/>.
    /// Returns calls per second.
    /// </summary>
    public static async Task<double> RawCallsPerSecondAsync(IAmazonDynamoDB client, string table, int callers, TimeSpan duration, CancellationToken ct)
    {
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
        }, ct);
        try
        {
            long calls = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
            {
                for (var i = 0; clock.Elapsed < duration; i++)
                {
                    var key = new Dictionary<string, AttributeValue> { ["pk"] = new($"c{caller}k{i % 200}") };
                    await client.PutItemAsync(new PutItemRequest { TableName = table, Item = new(key) { ["v"] = new($"value {i} of caller {caller}") } }, ct);
                    await client.GetItemAsync(new GetItemRequest { TableName = table, Key = key, ConsistentRead = true }, ct);
                    Interlocked.Add(ref calls, 2);
                }
            }));
            return Interlocked.Read(ref calls) / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await client.DeleteTableAsync(table, CancellationToken.None);
        }
    }
}
