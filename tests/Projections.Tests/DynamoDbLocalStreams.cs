using EventBot.Projections.Feeds.Streams;
using EventBot.Testing;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests;

public static class DynamoDbLocalStreams
{
    /// <summary>Our Streams client against the fixture's DynamoDB Local; <paramref name="handler"/> to put faults in between.</summary>
    public static DynamoDbStreamsClient StreamsClient(this DynamoDbLocalFixture dynamo, HttpMessageHandler? handler = null) =>
        new(new HttpClient(handler ?? new HttpClientHandler()),
            new DynamoDbStreamsClientOptions { ServiceUrl = dynamo.ServiceUrl, Region = DynamoDbLocalFixture.Region }, dynamo.Credentials);
}
