using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.DynamoDb;
using EventBot.Projections.Sqlite;
using EventBot.Testing;

namespace EventBot.Projections.Tests.Views;

/// <summary>
/// A rebuild drops old generations of all its projections in one call: the same contract on SQLite and on
/// DynamoDB Local (one parallel Scan there).
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DeletePartitionsTests(DynamoDbLocalFixture dynamo) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eventbot-views-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Stores => ["sqlite", "dynamodb"];

    private async Task<IViewStore> StoreAsync(string kind)
    {
        if (kind == "sqlite") return new SqliteViewStore(new SqliteDatabase(Path.Combine(_dir, "views.db")));
        var prefix = $"t{Guid.NewGuid():N}-";
        await dynamo.Client.CreateTableAsync(EventBotTables.Views(prefix));
        return new DynamoDbViewStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 3 });
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Rows_under_any_of_the_prefixes_go_counted_per_prefix_and_nothing_else_does(string kind)
    {
        var views = await StoreAsync(kind);
        var rows = new List<ViewKey>();
        for (var i = 0; i < 60; i++) rows.Add(new ViewKey(Generations.PhysicalPartition("remember", 1, $"g{i % 4}"), $"k{i}"));
        for (var i = 0; i < 7; i++) rows.Add(new ViewKey(Generations.PhysicalPartition("sparkle", 3, "g1"), $"u{i}"));
        for (var i = 0; i < 5; i++) rows.Add(new ViewKey(Generations.PhysicalPartition("remember", 11, "g1"), $"k{i}")); // generation 11 starts like 1
        rows.Add(new ViewKey(Generations.PhysicalPartition("sparkle", 2, "g1"), "u0"));
        foreach (var key in rows) Assert.True(await views.TryWriteAsync(new ViewRow(key, "{}", new Dictionary<string, long> { ["s"] = 1 }, 1), 0, default));
        await views.SetValueAsync("pointer/remember", "11", default);

        var deleted = await views.DeletePartitionsAsync(
            [Generations.GenerationPrefix("remember", 1), Generations.GenerationPrefix("sparkle", 3), Generations.GenerationPrefix("play", 1)], default);

        Assert.Equal([60L, 7L, 0L], deleted);
        for (var g = 0; g < 4; g++) Assert.Empty(await views.QueryAsync(Generations.PhysicalPartition("remember", 1, $"g{g}"), default));
        Assert.Empty(await views.QueryAsync(Generations.PhysicalPartition("sparkle", 3, "g1"), default));
        Assert.Equal(5, (await views.QueryAsync(Generations.PhysicalPartition("remember", 11, "g1"), default)).Count);
        Assert.Single(await views.QueryAsync(Generations.PhysicalPartition("sparkle", 2, "g1"), default));
        Assert.Equal("11", await views.GetValueAsync("pointer/remember", default));
        Assert.Equal([], await views.DeletePartitionsAsync([], default));
    }
}
