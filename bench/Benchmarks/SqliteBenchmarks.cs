using BenchmarkDotNet.Attributes;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Sqlite;
using Microsoft.Data.Sqlite;

namespace EventBot.Benchmarks;

/// <summary>The read-model store on SQLite: a row read (every query, every projector step) and a conditional update.</summary>
[MemoryDiagnoser]
public class SqliteViewStoreBenchmarks
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-bdn-" + Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;
    private SqliteViewStore _views = null!;
    private readonly ViewKey _key = new("remember-values#1#123", "release%20date");
    private long _revision;

    [GlobalSetup]
    public void Setup()
    {
        _database = new SqliteDatabase(Path.Combine(_dir, "views.db"));
        _views = new SqliteViewStore(_database);
        _revision = 1;
        _views.TryWriteAsync(new ViewRow(_key, "{\"key\":\"release date\"}", new Dictionary<string, long> { ["remember/123/release%20date"] = 1 }, 1), 0, default).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark]
    public void OpenPooledConnection()
    {
        using var connection = _database.Open();
    }

    [Benchmark]
    public Task<ViewRow?> GetRow() => _views.GetAsync(_key, default);

    [Benchmark]
    public async Task<bool> UpdateRow()
    {
        var next = _revision + 1;
        var ok = await _views.TryWriteAsync(new ViewRow(_key, "{\"key\":\"release date\"}", new Dictionary<string, long> { ["remember/123/release%20date"] = next }, next), _revision, default);
        _revision = next;
        return ok;
    }
}
