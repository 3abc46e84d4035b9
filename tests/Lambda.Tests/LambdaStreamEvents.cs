using System.Text.Json.Nodes;
using EventBot.Projections.Feeds.Streams;
using EventBot.Testing;
using EventBot.DynamoDbStreams;

namespace EventBot.Lambda.Tests;

/// <summary>
/// Lambda events made of what DynamoDB Local's stream really holds: the raw GetRecords records of a table (read with
/// our Streams client, the wire JSON kept byte for byte), plus <c>eventSourceARN</c>, which Lambda adds. Also linked
/// into Bot.Tests.
/// </summary>
public static class LambdaStreamEvents
{
    /// <summary>Every record of the table's stream, shards parents first, each in shard order.</summary>
    public static async Task<IReadOnlyList<JsonObject>> ReadRecordsAsync(DynamoDbLocalFixture dynamo, string tableName)
    {
        var streamArn = (await dynamo.Client.DescribeTableAsync(tableName)).Table.LatestStreamArn
            ?? throw new InvalidOperationException($"{tableName} has no stream.");
        var capture = new CapturingHandler { InnerHandler = new HttpClientHandler() };
        using var http = new HttpClient(capture);
        var client = new DynamoDbStreamsClient(http,
            new DynamoDbStreamsClientOptions { ServiceUrl = dynamo.ServiceUrl, Region = DynamoDbLocalFixture.Region }, dynamo.Credentials);

        var records = new List<JsonObject>();
        var shards = await client.DescribeAllShardsAsync(streamArn);
        foreach (var shard in shards.OrderBy(s => s.ParentShardId is null ? 0 : 1).ThenBy(s => s.StartingSequenceNumber, StringComparer.Ordinal))
        {
            var iterator = await client.GetShardIteratorAsync(streamArn, shard.ShardId, ShardIteratorType.TrimHorizon);
            while (iterator is not null)
            {
                var page = await client.GetRecordsAsync(iterator, limit: 1000);
                var raw = JsonNode.Parse(capture.LastBody!)!["Records"]!.AsArray();
                foreach (var record in raw)
                {
                    var copy = record!.DeepClone().AsObject();
                    copy["eventSourceARN"] = streamArn;
                    records.Add(copy);
                }
                // An open shard always answers a next iterator: an empty page means we are at its end for now.
                if (page.Records.Count == 0) break;
                iterator = page.NextShardIterator;
            }
        }
        return records;
    }

    /// <summary><c>{"Records":[...]}</c> as the event source mapping hands it to the function.</summary>
    public static string LambdaEvent(IEnumerable<JsonObject> records) =>
        new JsonObject { ["Records"] = new JsonArray([.. records.Select(r => r.DeepClone())]) }.ToJsonString();

    public static string SequenceNumber(JsonObject record) => record["dynamodb"]!["SequenceNumber"]!.GetValue<string>();

    /// <summary>The item's key, e.g. (<c>remember/42/wifi</c>, 2); idempotency markers have version 0.</summary>
    public static (string StreamId, long Version) Key(JsonObject record)
    {
        var keys = record["dynamodb"]!["Keys"]!;
        return (keys["stream_id"]!["S"]!.GetValue<string>(), long.Parse(keys["version"]!["N"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class CapturingHandler : DelegatingHandler
    {
        public string? LastBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            // Buffered: the client reads the same bytes again afterwards.
            LastBody = await response.Content.ReadAsStringAsync(cancellationToken);
            return response;
        }
    }
}
