using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using EventBot.Projections.Replay;
using EventBot.Projections.Tests.Core;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Replay;

/// <summary>The rebuild's buffer on a real SQLite view store: what reaches the store, when, and what is read.</summary>
public sealed class WriteBehindViewStoreTests : IDisposable
{
    private readonly ProjectorHarness _h = new();
    private readonly CountingViewStore _counted;

    public WriteBehindViewStoreTests() => _counted = new CountingViewStore(_h.Views);

    public void Dispose() => _h.Dispose();

    private static ViewRow Row(string sort, string body, long revision) =>
        new(new ViewKey("p", sort), body, new Dictionary<string, long> { ["s"] = revision }, revision);

    [Fact]
    public async Task Writes_reach_the_store_at_the_flush_once_per_row_and_rows_stay_cached_after_it()
    {
        var buffer = new WriteBehindViewStore(_counted);
        Assert.Null(await buffer.GetAsync(new ViewKey("p", "a"), default));
        Assert.True(await buffer.TryWriteAsync(Row("a", "{\"v\":1}", 1), 0, default));
        Assert.True(await buffer.TryWriteAsync(Row("a", "{\"v\":2}", 2), 1, default));
        Assert.False(await buffer.TryWriteAsync(Row("a", "{\"v\":9}", 9), 1, default)); // stale revision: refused
        Assert.Null(await _h.Views.GetAsync(new ViewKey("p", "a"), default));

        Assert.Equal(1, await buffer.FlushAsync(default));

        Assert.Equal("{\"v\":2}", (await _h.Views.GetAsync(new ViewKey("p", "a"), default))!.Body);
        var readsBefore = _counted.Reads;
        Assert.Equal(2, (await buffer.GetAsync(new ViewKey("p", "a"), default))!.Revision);
        Assert.Equal(readsBefore, _counted.Reads);
        Assert.Equal(0, await buffer.FlushAsync(default)); // nothing changed since
    }

    [Fact]
    public async Task A_target_known_to_be_empty_is_not_read()
    {
        var buffer = new WriteBehindViewStore(_counted) { TargetIsEmpty = true };

        Assert.Null(await buffer.GetAsync(new ViewKey("p", "a"), default));

        Assert.Equal(0, _counted.Reads);
    }

    [Fact]
    public async Task A_full_cache_is_emptied_at_the_flush_and_rows_are_read_again_after_it()
    {
        var buffer = new WriteBehindViewStore(_counted) { TargetIsEmpty = true, MaxCachedRows = 1 };
        Assert.True(await buffer.TryWriteAsync(Row("a", "{}", 1), 0, default));
        Assert.True(await buffer.TryWriteAsync(Row("b", "{}", 1), 0, default));
        await buffer.FlushAsync(default);

        Assert.False(buffer.TargetIsEmpty); // evicted rows are in the store now
        Assert.Equal(1, (await buffer.GetAsync(new ViewKey("p", "a"), default))!.Revision);
        Assert.Equal(1, _counted.Reads);
    }

    [Fact]
    public async Task Writing_through_checks_every_write_against_the_store_and_a_conflict_evicts_the_row()
    {
        var buffer = new WriteBehindViewStore(_counted);
        Assert.True(await buffer.TryWriteAsync(Row("a", "{\"v\":1}", 1), 0, default));
        Assert.Throws<InvalidOperationException>(() => buffer.WriteThrough = true); // a pending row must be flushed first
        await buffer.FlushAsync(default);
        buffer.WriteThrough = true;

        // Another writer (the live feed after the flip) moves the row on; the cached copy is now stale.
        Assert.True(await _h.Views.TryWriteAsync(Row("a", "{\"v\":\"live\"}", 2), 1, default));
        var stale = (await buffer.GetAsync(new ViewKey("p", "a"), default))!;
        Assert.Equal(1, stale.Revision);

        Assert.False(await buffer.TryWriteAsync(Row("a", "{\"v\":\"mine\"}", 2), 1, default));
        var fresh = (await buffer.GetAsync(new ViewKey("p", "a"), default))!;
        Assert.Equal("{\"v\":\"live\"}", fresh.Body);
        Assert.True(await buffer.TryWriteAsync(Row("a", "{\"v\":\"mine\"}", 3), 2, default));
        Assert.Equal("{\"v\":\"mine\"}", (await _h.Views.GetAsync(new ViewKey("p", "a"), default))!.Body); // at once, no flush
    }

    [Fact]
    public void A_row_made_from_a_document_writes_the_body_the_string_path_writes()
    {
        var projection = new RememberedValues();
        var envelope = new EventEnvelope("remember/1/k", 1, Guid.CreateVersion7(), "ValueRemembered", 1, "{}", "1", "2", "Ann", "m1",
            new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var @event = new ValueRemembered("k", "v", null);
        var key = new ViewKey("p", "k");

        var fromString = projection.Apply(key, null, envelope, @event);
        var document = projection.ApplyDocument(key, null, envelope, @event);
        var row = new ViewRow(key, projection, document, new Dictionary<string, long>(), 1);

        Assert.Equal(fromString, row.Body);
        Assert.Same(document, row.Document);
        Assert.Equal(row, new ViewRow(key, fromString, row.Applied, 1));
        Assert.Null((row with { Body = "{}" }).Document); // a new body replaces the document
    }

    /// <summary>Counts reads that reach the real store.</summary>
    private sealed class CountingViewStore(IViewStore inner) : IViewStore, IBatchViewStore
    {
        public int Reads { get; private set; }

        public Task<ViewRow?> GetAsync(ViewKey key, CancellationToken ct)
        {
            Reads++;
            return inner.GetAsync(key, ct);
        }

        public Task WriteBatchAsync(IReadOnlyList<(ViewRow Row, long ExpectedRevision)> rows, CancellationToken ct) =>
            ((IBatchViewStore)inner).WriteBatchAsync(rows, ct);

        public Task<IReadOnlyList<ViewRow>> QueryAsync(string partition, CancellationToken ct) => inner.QueryAsync(partition, ct);

        public Task<bool> TryWriteAsync(ViewRow row, long expectedRevision, CancellationToken ct) => inner.TryWriteAsync(row, expectedRevision, ct);

        public Task<IReadOnlyList<long>> DeletePartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct) =>
            inner.DeletePartitionsAsync(partitionPrefixes, ct);

        public Task DeleteAsync(ViewKey key, CancellationToken ct) => inner.DeleteAsync(key, ct);

        public Task<IReadOnlyList<string>> ListPartitionsAsync(string partitionPrefix, CancellationToken ct) => inner.ListPartitionsAsync(partitionPrefix, ct);

        public Task<string?> GetValueAsync(string name, CancellationToken ct) => inner.GetValueAsync(name, ct);

        public Task SetValueAsync(string name, string value, CancellationToken ct) => inner.SetValueAsync(name, value, ct);
    }
}
