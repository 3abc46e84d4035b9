using EventBot.EventStore.Sqlite;
using EventBot.EventStore.Tests.Contract;

namespace EventBot.EventStore.Tests;

public sealed class SqliteEventStoreTests : EventStoreContract, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteEventStore> _stores = [];

    protected override Task<IEventStore> CreateStoreAsync()
    {
        var store = new SqliteEventStore(new SqliteDatabase(Path.Combine(_dir, "events.db")), Time);
        _stores.Add(store);
        return Task.FromResult<IEventStore>(store);
    }

    [Fact]
    public async Task Stored_events_cannot_be_updated_or_deleted()
    {
        var store = (SqliteEventStore)await CreateStoreAsync();
        await store.AppendAsync(new StreamName("t/1/a"), 0, [new EventData("T", 1, "{}")], new AppendContext("1", "2", "a", "m"), default);
        var database = new SqliteDatabase(Path.Combine(_dir, "events.db"));

        Assert.ThrowsAny<Exception>(() => database.Execute("UPDATE events SET data = '{\"x\":1}'"));
        Assert.ThrowsAny<Exception>(() => database.Execute("DELETE FROM events"));
    }

    [Fact]
    public async Task Events_survive_reopening_the_file()
    {
        var store = (SqliteEventStore)await CreateStoreAsync();
        await store.AppendAsync(new StreamName("t/1/a"), 0, [new EventData("T", 1, "{}")], new AppendContext("1", "2", "a", "m"), default);
        store.Dispose();

        var reopened = (SqliteEventStore)await CreateStoreAsync();

        Assert.Single(await reopened.ReadStreamAsync(new StreamName("t/1/a"), 1, default));
        Assert.Equal(1, await reopened.LastPositionAsync(default));
    }

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
