using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.Projections.Feeds.Streams;
using EventBot.Testing;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests.Feeds.Streams;

/// <summary>An events-shaped table (pk S, version N) with a NEW_IMAGE stream on DynamoDB Local.</summary>
sealed class EventsTable
{
    readonly DynamoDbLocalFixture _dynamo;

    EventsTable(DynamoDbLocalFixture dynamo, string name, string streamArn)
    {
        _dynamo = dynamo;
        Name = name;
        StreamArn = streamArn;
    }

    public string Name { get; }

    public string StreamArn { get; }

    public static async Task<EventsTable> CreateAsync(DynamoDbLocalFixture dynamo)
    {
        var name = DynamoDbLocalFixture.UniqueTableName("events");
        var created = await dynamo.Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH), new KeySchemaElement("version", KeyType.RANGE)],
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S), new AttributeDefinition("version", ScalarAttributeType.N)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
            StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_IMAGE },
        });
        return new EventsTable(dynamo, name, created.TableDescription.LatestStreamArn);
    }

    public Task PutAsync(string pk, int version, string data) =>
        _dynamo.Client.PutItemAsync(new PutItemRequest
        {
            TableName = Name,
            Item = new Dictionary<string, AttributeValue>
            {
                ["pk"] = new() { S = pk },
                ["version"] = new() { N = version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["data"] = new() { S = data },
            },
        });

    public DynamoDbStreamsClient StreamsClient(HttpMessageHandler? handler = null) =>
        new(new HttpClient(handler ?? new HttpClientHandler()), new DynamoDbStreamsClientOptions { ServiceUrl = _dynamo.ServiceUrl, Region = DynamoDbLocalFixture.Region }, _dynamo.Credentials);

    public static (string Pk, int Version) Key(StreamRecord record) =>
        (record.Keys["pk"].S, int.Parse(record.Keys["version"].N, System.Globalization.CultureInfo.InvariantCulture));
}
