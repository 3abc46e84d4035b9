using EventBot.Projections.Feeds.Streams;
using EventBot.Testing;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests.Feeds.Streams;

[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbStreamsClientIntegrationTests(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public async Task ListDescribeIterate_ReadsEveryInsertInOrder()
    {
        var table = await EventsTable.CreateAsync(dynamo);
        for (var v = 1; v <= 3; v++) await table.PutAsync("remember/g/k", v, $"d{v}");
        var client = table.StreamsClient();

        var streams = await client.ListStreamsAsync(table.Name);
        var shards = await client.DescribeAllShardsAsync(table.StreamArn);
        var iterator = await client.GetShardIteratorAsync(table.StreamArn, shards[0].ShardId, ShardIteratorType.TrimHorizon);
        var page = await client.GetRecordsAsync(iterator, limit: 100);

        Assert.Equal(table.StreamArn, Assert.Single(streams.Streams).StreamArn);
        Assert.Single(shards);
        Assert.Equal([1, 2, 3], page.Records.Select(r => EventsTable.Key(r).Version));
        Assert.All(page.Records, r => Assert.Equal(StreamEventName.Insert, r.EventName));
        Assert.Equal(["d1", "d2", "d3"], page.Records.Select(r => r.NewImage!["data"].S));
        Assert.True(page.Records[0].SequenceOrder < page.Records[1].SequenceOrder);
        Assert.NotNull(page.Records[0].ApproximateCreationDateTime);
        Assert.NotNull(page.NextShardIterator);
    }

    [Fact]
    public async Task AfterAndAtSequenceNumber_StartAtTheRightRecord()
    {
        var table = await EventsTable.CreateAsync(dynamo);
        for (var v = 1; v <= 3; v++) await table.PutAsync("p", v, "x");
        var client = table.StreamsClient();
        var shard = (await client.DescribeAllShardsAsync(table.StreamArn))[0].ShardId;
        var all = await client.GetRecordsAsync(await client.GetShardIteratorAsync(table.StreamArn, shard, ShardIteratorType.TrimHorizon));
        var second = all.Records[1].SequenceNumber;

        var after = await client.GetRecordsAsync(await client.GetShardIteratorAsync(table.StreamArn, shard, ShardIteratorType.AfterSequenceNumber, second));
        var at = await client.GetRecordsAsync(await client.GetShardIteratorAsync(table.StreamArn, shard, ShardIteratorType.AtSequenceNumber, second));
        var latest = await client.GetRecordsAsync(await client.GetShardIteratorAsync(table.StreamArn, shard, ShardIteratorType.Latest));

        Assert.Equal([3], after.Records.Select(r => EventsTable.Key(r).Version));
        Assert.Equal([2, 3], at.Records.Select(r => EventsTable.Key(r).Version));
        Assert.Empty(latest.Records);
    }

    [Fact]
    public async Task UnknownStream_IsResourceNotFound()
    {
        var table = await EventsTable.CreateAsync(dynamo);
        var client = table.StreamsClient();
        var missing = table.StreamArn.Replace(table.Name, table.Name + "-missing", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<DynamoDbStreamsException>(() => client.DescribeStreamAsync(missing));

        Assert.Equal(StreamsErrorKind.ResourceNotFound, error.Kind);
        Assert.False(error.IsRetryable);
    }
}
