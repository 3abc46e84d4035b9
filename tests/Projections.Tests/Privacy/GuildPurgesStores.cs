using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.DynamoDb;
using EventBot.Projections.Sqlite;
using EventBot.Testing;

namespace EventBot.Projections.Tests.Privacy;

public sealed class SqliteGuildPurgesTests : GuildPurgesContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eventbot-purges-").FullName;
    private readonly List<SqliteEventStore> _stores = [];

    protected override Task<(IEventStore Store, IViewStore Views)> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_dir, $"{Guid.NewGuid():N}.db"));
        var store = new SqliteEventStore(database, Time);
        _stores.Add(store);
        return Task.FromResult<(IEventStore, IViewStore)>((store, new SqliteViewStore(database)));
    }

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>On DynamoDB Local: the index is one partition of the views table, listed by one Query.</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbGuildPurgesTests(DynamoDbLocalFixture dynamo) : GuildPurgesContract
{
    protected override async Task<(IEventStore Store, IViewStore Views)> CreateAsync()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix)) await dynamo.Client.CreateTableAsync(table);
        var options = new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 2 };
        return (new DynamoDbEventStore(dynamo.Client, options, Time), new DynamoDbViewStore(dynamo.Client, options));
    }
}
