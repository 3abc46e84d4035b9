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

    [Fact]
    public async Task A_file_from_before_correlation_gains_its_columns_and_old_events_read_empty()
    {
        var path = Path.Combine(_dir, "events.db");
        var database = new SqliteDatabase(path);
        var before = SqliteSchema.EventsTable
            .Replace("recorded_at    TEXT    NOT NULL,", "recorded_at    TEXT    NOT NULL", StringComparison.Ordinal)
            .Replace("correlation_id TEXT    NOT NULL DEFAULT '',", "", StringComparison.Ordinal)
            .Replace("causation_id   TEXT    NOT NULL DEFAULT '',", "", StringComparison.Ordinal)
            .Replace("trace_parent   TEXT    NOT NULL DEFAULT ''", "", StringComparison.Ordinal);
        Assert.DoesNotContain("correlation", before, StringComparison.Ordinal);
        database.Execute("CREATE TABLE streams (stream_no INTEGER PRIMARY KEY, stream_id TEXT NOT NULL UNIQUE);" + before + """
            INSERT INTO streams (stream_id) VALUES ('remember/1/a');
            INSERT INTO events (stream_no, stream_id, version, event_id, type, schema_version, data, guild_id, category, actor_id, actor_name, source, recorded_at) VALUES
              (1, 'remember/1/a', 1, '0190a5a0-0000-7000-8000-000000000001', 'T', 1, '{"n":1}', '1', 'remember', '2', 'ann', 'm1', '2026-01-01T00:00:00.0000000Z');
            """);

        var store = (SqliteEventStore)await CreateStoreAsync();

        var old = Assert.Single(await store.ReadStreamAsync(new StreamName("remember/1/a"), 1, default));
        Assert.Equal(("m1", "", "", ""), (old.Source, old.CorrelationId, old.CausationId, old.TraceParent));
        var context = new AppendContext("1", "2", "ann", "m2") { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
        Assert.IsType<AppendResult.Appended>(await store.AppendAsync(new StreamName("remember/1/a"), 1, [new EventData("T", 1, "{}")], context, default));
        var fresh = (await store.ReadStreamAsync(new StreamName("remember/1/a"), 2, default))[0];
        Assert.Equal(("m2", "m2", context.TraceParent), (fresh.CorrelationId, fresh.CausationId, fresh.TraceParent));
        Assert.ThrowsAny<Exception>(() => database.Execute("UPDATE events SET correlation_id = 'x'"));
    }

    [Fact]
    public async Task A_file_with_the_v1_schema_is_migrated_in_place_and_keeps_working()
    {
        // The v1 file exactly as the previous store built it, with rows inserted the way it inserted them.
        var path = Path.Combine(_dir, "events.db");
        var database = new SqliteDatabase(path);
        database.Execute(SqliteSchema.V1Ddl);
        database.Execute("""
            INSERT INTO events (stream_id, version, event_id, type, schema_version, data, guild_id, category, actor_id, actor_name, source, recorded_at) VALUES
              ('remember/1/a', 1, '0190a5a0-0000-7000-8000-000000000001', 'T', 1, '{"n":1}', '1', 'remember', '2', 'ann', 'm1', '2026-01-01T00:00:00.0000000Z'),
              ('remember/1/b', 1, '0190a5a0-0000-7000-8000-000000000002', 'T', 1, '{"n":2}', '1', 'remember', '2', 'ann', 'm2', '2026-01-01T00:00:01.0000000Z'),
              ('remember/1/a', 2, '0190a5a0-0000-7000-8000-000000000003', 'T', 1, '{"n":3}', '1', 'remember', '2', 'ann', 'm3', '2026-01-01T00:00:02.0000000Z');
            INSERT INTO idempotency (source, stream_id, first_version, last_version) VALUES
              ('m1', 'remember/1/a', 1, 1), ('m2', 'remember/1/b', 1, 1), ('m3', 'remember/1/a', 2, 2);
            """);

        var store = (SqliteEventStore)await CreateStoreAsync();

        var a = await store.ReadStreamAsync(new StreamName("remember/1/a"), 1, default);
        Assert.Equal([(1L, 1L, "{\"n\":1}"), (2L, 3L, "{\"n\":3}")], a.Select(e => (e.Version, e.Position, e.Data)));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 2, TimeSpan.Zero), a[1].RecordedAt);
        var context = new AppendContext("1", "2", "ann", "m4");
        var stale = await store.AppendAsync(new StreamName("remember/1/a"), 1, [new EventData("T", 1, "{}")], context, default);
        Assert.Equal(new AppendResult.WrongExpectedVersion(1, 2), stale);
        var repeat = await store.AppendAsync(new StreamName("remember/1/b"), 0, [new EventData("T", 1, "{}")], context with { Source = "m2" }, default);
        Assert.Equal(new AppendResult.AlreadyProcessed("remember/1/b", 1, 1), repeat);

        var appended = Assert.IsType<AppendResult.Appended>(
            await store.AppendAsync(new StreamName("remember/1/a"), 2, [new EventData("T", 1, "{\"n\":4}")], context, default));
        Assert.Equal(4, appended.Events[0].Position);
        var fresh = Assert.IsType<AppendResult.Appended>(
            await store.AppendAsync(new StreamName("remember/1/c"), 0, [new EventData("T", 1, "{}")], context with { Source = "m5" }, default));
        Assert.Equal(5, fresh.Events[0].Position);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await store.ReadAfterPositionAsync(0, 10, default)).Select(e => e.Position));
        Assert.Equal([5L, 4L, 3L, 2L, 1L], (await store.ReadGuildHistoryAsync("1", "remember", 0, 10, default)).Select(e => e.Position));
        Assert.ThrowsAny<Exception>(() => database.Execute("UPDATE events SET data = '{}'"));
        Assert.ThrowsAny<Exception>(() => database.Execute("DELETE FROM events"));
        Assert.ThrowsAny<Exception>(() => database.Execute("INSERT INTO events (stream_no, stream_id, version, event_id, type, schema_version, data, guild_id, category, actor_id, actor_name, source, recorded_at) SELECT stream_no, stream_id, version, event_id, type, schema_version, data, guild_id, category, actor_id, actor_name, source, recorded_at FROM events WHERE position = 1"));

        // Opening it again finds the current shape and leaves it alone.
        store.Dispose();
        var reopened = (SqliteEventStore)await CreateStoreAsync();
        Assert.Equal(3, (await reopened.ReadStreamAsync(new StreamName("remember/1/a"), 1, default)).Count);
    }

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

public sealed class SqliteEventRewriterTests : Contract.EventRewriterContract
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new SqliteEventStore(new SqliteDatabase(Path.Combine(_dir, "events.db")), Time));

    [Fact]
    public async Task After_a_rewrite_stored_events_are_immutable_again()
    {
        var database = new SqliteDatabase(Path.Combine(_dir, "events.db"));
        var store = new SqliteEventStore(database, Time);
        await store.AppendAsync(new StreamName("play/1/123"), 0, [new EventData("T", 1, "{}")], new AppendContext("1", "123", "a", "m"), default);
        var e = Assert.Single(await store.ReadStreamAsync(new StreamName("play/1/123"), 1, default));

        Assert.Equal(1, await store.RewriteAsync([new EventRewrite(e, e with { StreamId = "play/1/~k", ActorId = "~k" })], default));

        Assert.ThrowsAny<Exception>(() => database.Execute("UPDATE events SET data = '{\"x\":1}'"));
        Assert.ThrowsAny<Exception>(() => database.Execute("DELETE FROM events"));
        Assert.ThrowsAny<Exception>(() => database.Execute("DELETE FROM streams"));
        Assert.Equal(1L, await store.LastPositionAsync(default)); // the rewrite kept the position: the tail sees no new event
    }
}
