using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Tests.Contract;
using EventBot.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Privacy;

/// <summary>The event store contract holds through the privacy layer on DynamoDB too (keys added in the append's transaction).</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class PrivateDynamoDbEventStoreContractTests(DynamoDbLocalFixture dynamo) : EventStoreContract
{
    protected override async Task<IEventStore> CreateStoreAsync()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix)) await dynamo.Client.CreateTableAsync(table);
        var options = new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 3 };
        var dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
        var ring = new KeyRing(new DynamoDbKeyStore(dynamo.Client, options), LocalKeyFile.OpenOrCreate(Path.Combine(dir, "eventbot.key")), Time);
        return PrivateEventStore.Wrap(new DynamoDbEventStore(dynamo.Client, options, Time), new EventPrivacy(ring));
    }
}

/// <summary>On DynamoDB a value version's new key is put in the append's own TransactWriteItems (the contract).</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class PrivateDynamoDbAppendTests(DynamoDbLocalFixture dynamo) : PrivateAppendWithKeysContract, IAsyncLifetime
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}-";
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"), "eventbot.key");

    private DynamoDbStoreOptions Options => new() { TablePrefix = _prefix };

    public async Task InitializeAsync()
    {
        foreach (var table in EventBotTables.All(_prefix)) await dynamo.Client.CreateTableAsync(table);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    protected override (PrivateEventStore Store, KeyRing Ring, IKeyStore Keys) Process()
    {
        var keys = new DynamoDbKeyStore(dynamo.Client, Options);
        var ring = new KeyRing(keys, LocalKeyFile.OpenOrCreate(_keyFile), Time);
        return (PrivateEventStore.Wrap(new DynamoDbEventStore(dynamo.Client, Options, Time), new EventPrivacy(ring)), ring, keys);
    }

    [Fact]
    public async Task The_stores_say_whose_keys_an_append_can_carry()
    {
        var (_, _, keys) = Process();
        var events = new DynamoDbEventStore(dynamo.Client, Options, Time);

        Assert.True(events.AddsKeysOf(keys));
        Assert.False(events.AddsKeysOf(new DynamoDbKeyStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = "other-" })));
        using var otherClient = dynamo.CreateClient();
        Assert.False(events.AddsKeysOf(new DynamoDbKeyStore(otherClient, Options)));
    }
}
