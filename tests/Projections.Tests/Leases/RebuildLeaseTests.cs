using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.DynamoDb;
using EventBot.Projections.Leases;
using EventBot.Projections.Sqlite;
using EventBot.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Projections.Tests.Leases;

/// <summary>One rebuild at a time: the same lease contract on SQLite and on DynamoDB Local, on a fake clock.</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class RebuildLeaseTests(DynamoDbLocalFixture dynamo) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eventbot-lease-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 6, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<string> Stores => ["sqlite", "dynamodb"];

    private async Task<IViewStore> StoreAsync(string kind)
    {
        if (kind == "sqlite") return new SqliteViewStore(new SqliteDatabase(Path.Combine(_dir, "views.db")));
        var prefix = $"t{Guid.NewGuid():N}-";
        await dynamo.Client.CreateTableAsync(EventBotTables.Views(prefix));
        return new DynamoDbViewStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix });
    }

    private RebuildLease Lease(IViewStore views, string host, int pid) => new(views, _time) { Host = host, Pid = pid };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_second_run_is_told_who_holds_the_lease_and_since_when(string kind)
    {
        var views = await StoreAsync(kind);
        var first = Assert.IsType<LeaseAttempt.Acquired>(await Lease(views, "ops-1", 4242).TryAcquireAsync("replay", default));
        _time.Advance(TimeSpan.FromSeconds(5));

        var second = await Lease(views, "ops-2", 7).TryAcquireAsync("replay --verify", default);

        var busy = Assert.IsType<LeaseAttempt.Busy>(second);
        Assert.Equal(("replay", "ops-1", 4242), (busy.Holder.Purpose, busy.Holder.Host, busy.Holder.Pid));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 6, 0, 0, TimeSpan.Zero), busy.Holder.Since);
        await first.Lease.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_released_lease_is_free_at_once(string kind)
    {
        var views = await StoreAsync(kind);
        var first = Assert.IsType<LeaseAttempt.Acquired>(await Lease(views, "ops-1", 1).TryAcquireAsync("replay", default));
        await first.Lease.DisposeAsync();

        var second = Assert.IsType<LeaseAttempt.Acquired>(await Lease(views, "ops-2", 2).TryAcquireAsync("replay", default));

        Assert.Equal("ops-2", second.Lease.Holder.Host);
        await second.Lease.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_crashed_holders_lease_expires_and_a_live_holder_keeps_renewing(string kind)
    {
        var views = await StoreAsync(kind);
        // The crashed one: its process is gone after taking the lease, so nothing renews it.
        var gone = new Stallable(views);
        Assert.IsType<LeaseAttempt.Acquired>(await Lease(gone, "gone", 1).TryAcquireAsync("replay", default));
        gone.Stalled = true;

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.IsType<LeaseAttempt.Busy>(await Lease(views, "next", 2).TryAcquireAsync("replay", default));
        _time.Advance(TimeSpan.FromSeconds(2));
        var next = Assert.IsType<LeaseAttempt.Acquired>(await Lease(views, "next", 2).TryAcquireAsync("replay", default));

        // The live holder renews every 20 s, so its lease outlives the first expiry by far.
        for (var i = 0; i < 9; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(20));
            await WaitForRenewalAsync(views, _time.GetUtcNow() + TimeSpan.FromSeconds(60));
        }
        var third = Assert.IsType<LeaseAttempt.Busy>(await Lease(views, "third", 3).TryAcquireAsync("replay", default));
        Assert.Equal("next", third.Holder.Host);
        Assert.False(next.Lease.Lost.IsCancellationRequested);
        await next.Lease.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_holder_that_stalled_past_its_expiry_and_was_taken_over_learns_it_lost_the_lease(string kind)
    {
        var views = await StoreAsync(kind);
        var stalling = new Stallable(views);
        var paused = Assert.IsType<LeaseAttempt.Acquired>(await Lease(stalling, "paused", 1).TryAcquireAsync("replay", default));
        stalling.Stalled = true;
        _time.Advance(TimeSpan.FromSeconds(61));
        var taker = Assert.IsType<LeaseAttempt.Acquired>(await Lease(views, "taker", 2).TryAcquireAsync("replay", default));

        stalling.Stalled = false;
        Assert.False(await paused.Lease.RenewAsync(default));

        Assert.True(paused.Lease.Lost.IsCancellationRequested);
        await paused.Lease.DisposeAsync(); // releases nothing: the lease is the taker's
        Assert.Equal("taker", Assert.IsType<LeaseAttempt.Busy>(await Lease(views, "third", 3).TryAcquireAsync("replay", default)).Holder.Host);
        await taker.Lease.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Two_runs_racing_for_a_free_lease_never_both_win(string kind)
    {
        var views = await StoreAsync(kind);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Lease(views, $"h{i}", i).TryAcquireAsync("replay", default)));

        var winner = Assert.Single(attempts.OfType<LeaseAttempt.Acquired>());
        Assert.All(attempts.OfType<LeaseAttempt.Busy>(), b => Assert.Equal(winner.Lease.Holder.Host, b.Holder.Host));
        await winner.Lease.DisposeAsync();
    }

    private async Task WaitForRenewalAsync(IViewStore views, DateTimeOffset expires)
    {
        // The renewal runs on the timer's callback: poll the store (real time, generous) until it shows.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var row = await views.GetAsync(RebuildLease.Key, default);
            if (row is not null && row.Body.Contains(expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)) return;
            await Task.Delay(10);
        }
        Assert.Fail($"the lease was not renewed to {expires:O}");
    }

    /// <summary>A store as a paused or dead holder sees it: while stalled, none of its writes happen.</summary>
    private sealed class Stallable(IViewStore inner) : IViewStore
    {
        public volatile bool Stalled;

        public Task<ViewRow?> GetAsync(ViewKey key, CancellationToken ct) => inner.GetAsync(key, ct);

        public Task<IReadOnlyList<ViewRow>> QueryAsync(string partition, CancellationToken ct) => inner.QueryAsync(partition, ct);

        public Task<bool> TryWriteAsync(ViewRow row, long expectedRevision, CancellationToken ct) =>
            Stalled ? throw new IOException("stalled") : inner.TryWriteAsync(row, expectedRevision, ct);

        public Task<IReadOnlyList<long>> DeletePartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct) => inner.DeletePartitionsAsync(partitionPrefixes, ct);

        public Task DeleteAsync(ViewKey key, CancellationToken ct) => inner.DeleteAsync(key, ct);

        public Task<IReadOnlyList<string>> ListPartitionsAsync(string partitionPrefix, CancellationToken ct) => inner.ListPartitionsAsync(partitionPrefix, ct);

        public Task<string?> GetValueAsync(string name, CancellationToken ct) => inner.GetValueAsync(name, ct);

        public Task SetValueAsync(string name, string value, CancellationToken ct) => inner.SetValueAsync(name, value, ct);
    }
}
