using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using EventBot.Testing;

namespace EventBot.EventStore.Tests.Privacy;

public sealed class SqliteKeyStoreTests : KeyStoreContract
{
    protected override Task<IKeyStore> CreateStoreAsync() =>
        Task.FromResult<IKeyStore>(new SqliteKeyStore(new SqliteDatabase(Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"), "events.db"))));
}

[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbKeyStoreTests(DynamoDbLocalFixture dynamo) : KeyStoreContract
{
    protected override async Task<IKeyStore> CreateStoreAsync()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        await dynamo.Client.CreateTableAsync(EventBotTables.Keys(prefix));
        return new DynamoDbKeyStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix });
    }
}
