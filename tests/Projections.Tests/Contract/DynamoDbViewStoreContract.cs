using EventBot.EventStore.DynamoDb;
using EventBot.Projections.Core;
using EventBot.Projections.DynamoDb;
using EventBot.Testing;

namespace EventBot.Projections.Tests.Contract;

/// <summary>On DynamoDB Local, a views table of its own per test (3 Scan segments, so partition deletes run in parallel).</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbViewStoreContract(DynamoDbLocalFixture dynamo) : ViewStoreContract
{
    protected override async Task<IViewStore> CreateStoreAsync()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        await dynamo.Client.CreateTableAsync(EventBotTables.Views(prefix));
        return new DynamoDbViewStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 3 });
    }
}
