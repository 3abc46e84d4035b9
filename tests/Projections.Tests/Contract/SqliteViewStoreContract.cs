using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Sqlite;

namespace EventBot.Projections.Tests.Contract;

public sealed class SqliteViewStoreContract : ViewStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eventbot-views-").FullName;

    protected override Task<IViewStore> CreateStoreAsync() =>
        Task.FromResult<IViewStore>(new SqliteViewStore(new SqliteDatabase(Path.Combine(_dir, $"{Guid.NewGuid():N}.db"))));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
