using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Tests.Contract;
using EventBot.Testing;

namespace EventBot.EventStore.Tests;

[CollectionDefinition(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>;

/// <summary>The same contract, on AWS's own DynamoDB Local (fresh tables per test).</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbEventStoreTests(DynamoDbLocalFixture dynamo) : EventStoreContract
{
    protected override async Task<IEventStore> CreateStoreAsync()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix)) await dynamo.Client.CreateTableAsync(table);
        return new DynamoDbEventStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 3 }, Time);
    }

    [Fact]
    public async Task Each_event_is_one_immutable_item_and_the_marker_is_not_an_event()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix)) await dynamo.Client.CreateTableAsync(table);
        var store = new DynamoDbEventStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix }, Time);

        await store.AppendAsync(new StreamName("remember/1/k"), 0, [new EventData("T", 1, "{}"), new EventData("T", 1, "{}")], new AppendContext("1", "2", "a", "discord:5"), default);

        var items = (await dynamo.Client.ScanAsync(new ScanRequest { TableName = EventBotTables.EventsTableName(prefix), ConsistentRead = true })).Items;
        Assert.Equal(3, items.Count);
        Assert.Equal(2, items.Count(EventItem.IsEvent));
        var marker = Assert.Single(items, i => !EventItem.IsEvent(i));
        Assert.Equal("idempotency#discord:5", marker[EventBotTables.StreamId].S);
        var description = await dynamo.Client.DescribeTableAsync(EventBotTables.EventsTableName(prefix));
        Assert.True(description.Table.StreamSpecification.StreamEnabled);
    }

    [Fact]
    public async Task An_expected_version_ahead_of_the_stream_is_a_conflict_not_a_gap()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(new StreamName("t/1/a"), 0, [new EventData("T", 1, "{}")], new AppendContext("1", "2", "a", "m1"), default);

        var result = await store.AppendAsync(new StreamName("t/1/a"), 5, [new EventData("T", 1, "{}")], new AppendContext("1", "2", "a", "m2"), default);

        Assert.Equal(new AppendResult.WrongExpectedVersion(5, 1), result);
    }
}

[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbEventRewriterTests(DynamoDbLocalFixture dynamo) : EventRewriterContract
{
    protected override async Task<IEventStore> CreateStoreAsync()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix)) await dynamo.Client.CreateTableAsync(table);
        return new DynamoDbEventStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 2 }, Time);
    }

    [Fact]
    public async Task A_stream_longer_than_one_transaction_moves_whole_and_every_item_written_is_marked_as_a_rewrite()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix)) await dynamo.Client.CreateTableAsync(table);
        var store = new DynamoDbEventStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix }, Time);
        for (var i = 0; i < 3; i++)
            await store.AppendAsync(new StreamName("play/1/123"), i * 40, [.. Enumerable.Range(0, 40).Select(_ => new EventData("T", 1, "{}"))], new AppendContext("1", "123", "a", $"m{i}"), default);
        var before = await store.ReadStreamAsync(new StreamName("play/1/123"), 1, default);

        var moved = await store.RewriteAsync([.. before.Select(e => new EventRewrite(e, e with { StreamId = "play/1/~k", ActorId = "~k", ActorName = "[erased user]" }))], default);

        Assert.Equal(120, moved);
        Assert.Equal(Enumerable.Range(1, 120).Select(v => (long)v), (await store.ReadStreamAsync(new StreamName("play/1/~k"), 1, default)).Select(e => e.Version));
        var items = (await dynamo.Client.ScanAsync(new ScanRequest { TableName = EventBotTables.EventsTableName(prefix), ConsistentRead = true })).Items;
        Assert.DoesNotContain(items, i => i[EventBotTables.StreamId].S == "play/1/123"); // no event, no moved-to marker left
        Assert.All(items.Where(EventItem.IsEvent), i => Assert.True(i.ContainsKey(EventItem.RewrittenAt)));
        Assert.All(items.Where(i => !EventItem.IsEvent(i)), i => Assert.Equal("play/1/~k", i[EventItem.MarkerStream].S));
    }
}
