using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Projections.Tests.Core;

/// <summary>
/// A reply that waits for several rows waits one timeout in all, not one per row. Driven by a fake clock, on a real
/// SQLite views store.
/// </summary>
public sealed class ReadYourWritesTests : IDisposable
{
    private const string Stream = "sparkle-guild-1";
    private static readonly ViewKey First = new("g1", "giver");
    private static readonly ViewKey Second = new("g1", "receiver");

    private readonly string _dir = Directory.CreateTempSubdirectory("eventbot-ryw-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly SqliteViewStore _views;
    private readonly ReadYourWrites _readYourWrites;

    public ReadYourWritesTests()
    {
        _views = new SqliteViewStore(new SqliteDatabase(Path.Combine(_dir, "views.db")));
        _readYourWrites = new ReadYourWrites(_views, new Generations(_views, _time), new ProjectionSignals(), _time)
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_row_that_catches_up_late_leaves_the_next_only_what_is_left_of_the_one_timeout()
    {
        // The first row applies the version at 4 s, the second never: the wait must give up at 5 s, not at 4 + 5 s.
        var (caughtUp, elapsed) = await RunAsync(applyFirstAt: TimeSpan.FromSeconds(4), applySecondAt: null);

        Assert.False(caughtUp);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task Rows_that_all_catch_up_within_the_timeout_are_a_success()
    {
        var (caughtUp, elapsed) = await RunAsync(applyFirstAt: TimeSpan.FromSeconds(1), applySecondAt: TimeSpan.FromSeconds(4.5));

        Assert.True(caughtUp);
        Assert.True(elapsed >= TimeSpan.FromSeconds(4.5), $"ended at {elapsed}, before the second row caught up");
    }

    [Fact]
    public async Task A_row_that_stays_behind_is_polled_less_and_less_often()
    {
        // Back-pressure: with nothing applied for the whole 5 s, polling every 50 ms would read the row 100 times; the pause
        // doubles up to 200 ms, so about 27 reads (50, 100, 200, 200, … ms; fewer when a stalled waiter lets the fake clock
        // run ahead). The fake clock moves in 50 ms steps.
        var counting = new CountingViews(_views);
        var readYourWrites = new ReadYourWrites(counting, new Generations(_views, _time), new ProjectionSignals(), _time) { Timeout = TimeSpan.FromSeconds(5) };
        var start = _time.GetUtcNow();
        var wait = readYourWrites.WaitAsync("sparkle", First, Stream, 3, CancellationToken.None);
        while (!wait.IsCompleted && _time.GetUtcNow() - start < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
            if (!wait.IsCompleted) _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.False(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange(counting.Reads, 1, 40);
    }

    private sealed class CountingViews(IViewStore inner) : IViewStore
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Task<ViewRow?> GetAsync(ViewKey key, CancellationToken ct)
        {
            Interlocked.Increment(ref _reads);
            return inner.GetAsync(key, ct);
        }

        public Task<IReadOnlyList<ViewRow>> QueryAsync(string partition, CancellationToken ct) => inner.QueryAsync(partition, ct);

        public Task<bool> TryWriteAsync(ViewRow row, long expectedRevision, CancellationToken ct) => inner.TryWriteAsync(row, expectedRevision, ct);

        public Task<IReadOnlyList<long>> DeletePartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct) => inner.DeletePartitionsAsync(partitionPrefixes, ct);

        public Task DeleteAsync(ViewKey key, CancellationToken ct) => inner.DeleteAsync(key, ct);

        public Task<IReadOnlyList<string>> ListPartitionsAsync(string partitionPrefix, CancellationToken ct) => inner.ListPartitionsAsync(partitionPrefix, ct);

        public Task<string?> GetValueAsync(string name, CancellationToken ct) => inner.GetValueAsync(name, ct);

        public Task SetValueAsync(string name, string value, CancellationToken ct) => inner.SetValueAsync(name, value, ct);
    }

    /// <summary>Advances the fake clock in 100 ms steps, writing each row when its time comes, until the wait ends.</summary>
    private async Task<(bool CaughtUp, TimeSpan Elapsed)> RunAsync(TimeSpan? applyFirstAt, TimeSpan? applySecondAt)
    {
        var start = _time.GetUtcNow();
        var wait = _readYourWrites.WaitAllAsync([("sparkle", First), ("sparkle", Second)], Stream, 3, CancellationToken.None);
        var pending = new List<(TimeSpan At, ViewKey Row)>();
        if (applyFirstAt is { } a) pending.Add((a, First));
        if (applySecondAt is { } b) pending.Add((b, Second));
        while (!wait.IsCompleted && _time.GetUtcNow() - start < TimeSpan.FromSeconds(20))
        {
            foreach (var due in pending.Where(p => _time.GetUtcNow() - start >= p.At).ToList())
            {
                await ApplyAsync(due.Row);
                pending.Remove(due);
            }
            // Real time for the waiter to reach its next timer before the clock moves on. A stalled waiter only lets the
            // fake clock run ahead; the 2 s of slack in the first test's bound is a 400 ms real stall.
            await Task.Delay(20);
            if (!wait.IsCompleted) _time.Advance(TimeSpan.FromMilliseconds(100));
        }
        return (await wait.WaitAsync(TimeSpan.FromSeconds(10)), _time.GetUtcNow() - start);
    }

    private async Task ApplyAsync(ViewKey logical)
    {
        var key = new ViewKey(Generations.PhysicalPartition("sparkle", 1, logical.Partition), logical.Sort);
        Assert.True(await _views.TryWriteAsync(new ViewRow(key, "{}", new Dictionary<string, long> { [Stream] = 3 }, 1), 0, CancellationToken.None));
    }
}
