using EventBot.EventStore;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.EventStore.Tests.Contract;

/// <summary>
/// What every event store promises. Each backend runs this suite through a one-line subclass, so SQLite and
/// DynamoDB cannot drift apart in behaviour.
/// </summary>
public abstract partial class EventStoreContract
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A fresh, empty store using <see cref="Time"/> for recorded-at.</summary>
    protected abstract Task<IEventStore> CreateStoreAsync();

    private static EventData Data(string text) => new("TestHappened", 1, $$"""{"text":"{{text}}"}""");

    private static AppendContext Context(string source, string guild = "1") => new(guild, "42", "alice", source);

    private static StreamName Stream(string id = "test/1/a") => new(id);

    [Fact]
    public async Task Appending_to_a_new_stream_numbers_events_from_one()
    {
        var store = await CreateStoreAsync();
        var result = await store.AppendAsync(Stream(), ExpectedVersion.NoStream, [Data("a"), Data("b")], Context("m1"), default);

        var appended = Assert.IsType<AppendResult.Appended>(result);
        Assert.Equal([1L, 2L], appended.Events.Select(e => e.Version));
        Assert.Equal(2, appended.NextExpectedVersion);
        var read = await store.ReadStreamAsync(Stream(), 1, default);
        Assert.Equal(["""{"text":"a"}""", """{"text":"b"}"""], read.Select(e => e.Data));
    }

    [Fact]
    public async Task The_envelope_keeps_every_field()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(Stream(), 0, [Data("a")], new AppendContext("77", "42", "Ålice 🎉", "discord:123"), default);

        var e = Assert.Single(await store.ReadStreamAsync(Stream(), 1, default));
        Assert.Equal("test/1/a", e.StreamId);
        Assert.Equal(1, e.Version);
        Assert.Equal(7, e.EventId.Version);
        Assert.Equal("TestHappened", e.Type);
        Assert.Equal(1, e.SchemaVersion);
        Assert.Equal("77", e.GuildId);
        Assert.Equal("42", e.ActorId);
        Assert.Equal("Ålice 🎉", e.ActorName);
        Assert.Equal("discord:123", e.Source);
        Assert.Equal(Time.GetUtcNow(), e.RecordedAt);
    }

    [Fact]
    public async Task The_envelope_keeps_the_correlation_of_the_append()
    {
        var store = await CreateStoreAsync();
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var context = new AppendContext("77", "42", "alice", "discord:123") { CorrelationId = "discord:100", CausationId = "discord:123", TraceParent = traceParent };
        var appended = Assert.IsType<AppendResult.Appended>(await store.AppendAsync(Stream(), 0, [Data("a"), Data("b")], context, default));
        await store.AppendAsync(Stream("test/1/b"), 0, [Data("c")], Context("console:m2"), default);

        var read = await store.ReadStreamAsync(Stream(), 1, default);
        Assert.All(read.Concat(appended.Events), e => Assert.Equal(("discord:100", "discord:123", traceParent), (e.CorrelationId, e.CausationId, e.TraceParent)));
        // Unless told otherwise, a command's correlation and causation are its chat message; no trace when tracing is off.
        var plain = Assert.Single(await store.ReadStreamAsync(Stream("test/1/b"), 1, default));
        Assert.Equal(("console:m2", "console:m2", ""), (plain.CorrelationId, plain.CausationId, plain.TraceParent));
    }

    [Fact]
    public async Task A_stale_expected_version_is_a_conflict_value_and_appends_nothing()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(Stream(), 0, [Data("a")], Context("m1"), default);

        var result = await store.AppendAsync(Stream(), 0, [Data("b")], Context("m2"), default);

        var conflict = Assert.IsType<AppendResult.WrongExpectedVersion>(result);
        Assert.Equal(0, conflict.Expected);
        Assert.Equal(1, conflict.Actual);
        Assert.Single(await store.ReadStreamAsync(Stream(), 1, default));
    }

    [Fact]
    public async Task A_redelivered_source_message_returns_the_first_outcome_and_appends_nothing()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(Stream(), 0, [Data("a"), Data("b")], Context("discord:9"), default);

        var again = await store.AppendAsync(Stream(), 2, [Data("c")], Context("discord:9"), default);

        var repeat = Assert.IsType<AppendResult.AlreadyProcessed>(again);
        Assert.Equal(("test/1/a", 1L, 2L), (repeat.StreamId, repeat.FirstVersion, repeat.LastVersion));
        Assert.Equal(2, (await store.ReadStreamAsync(Stream(), 1, default)).Count);
    }

    [Fact]
    public async Task A_failed_append_does_not_burn_its_source()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(Stream(), 0, [Data("a")], Context("m1"), default);
        Assert.IsType<AppendResult.WrongExpectedVersion>(await store.AppendAsync(Stream(), 0, [Data("b")], Context("m2"), default));

        var retried = await store.AppendAsync(Stream(), 1, [Data("b")], Context("m2"), default);

        Assert.IsType<AppendResult.Appended>(retried);
    }

    [Fact]
    public async Task Reading_from_a_version_skips_earlier_events()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(Stream(), 0, [Data("a"), Data("b"), Data("c")], Context("m1"), default);

        var read = await store.ReadStreamAsync(Stream(), 2, default);

        Assert.Equal([2L, 3L], read.Select(e => e.Version));
        Assert.Empty(await store.ReadStreamAsync(Stream("test/1/none"), 1, default));
    }

    [Fact]
    public async Task Streams_are_independent_and_any_encoded_key_is_a_valid_stream()
    {
        var store = await CreateStoreAsync();
        var odd = Stream("remember/1/" + Uri.EscapeDataString("a/b #c 🎉 \"q\""));
        await store.AppendAsync(odd, 0, [Data("a")], Context("m1"), default);
        await store.AppendAsync(Stream("remember/1/other"), 0, [Data("b")], Context("m2"), default);

        Assert.Equal("""{"text":"a"}""", Assert.Single(await store.ReadStreamAsync(odd, 1, default)).Data);
    }

    [Fact]
    public async Task Guild_history_is_newest_first_per_guild_and_category_and_pages()
    {
        var store = await CreateStoreAsync();
        for (var i = 1; i <= 5; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await store.AppendAsync(Stream($"remember/1/k{i}"), 0, [Data($"v{i}")], Context($"g1-{i}", guild: "1"), default);
        }
        await store.AppendAsync(Stream("remember/2/k1"), 0, [Data("other guild")], Context("g2", guild: "2"), default);
        await store.AppendAsync(Stream("sparkle/1/u"), 0, [Data("other category")], Context("s1", guild: "1"), default);

        var history = await EventuallyAsync(() => store.ReadGuildHistoryAsync("1", "remember", 0, 10, default), h => h.Count == 5);
        var secondPage = await store.ReadGuildHistoryAsync("1", "remember", 2, 2, default);

        Assert.Equal(["remember/1/k5", "remember/1/k4", "remember/1/k3", "remember/1/k2", "remember/1/k1"], history.Select(e => e.StreamId));
        Assert.Equal(["remember/1/k3", "remember/1/k2"], secondPage.Select(e => e.StreamId));
    }

    [Fact]
    public async Task Guild_events_are_every_event_of_one_guild_and_category_oldest_first_across_pages()
    {
        var store = await CreateStoreAsync();
        // Five events of 250 kB: more than one 1 MB page of a DynamoDB Query, so the read must follow LastEvaluatedKey.
        var big = new string('x', 250_000);
        for (var i = 1; i <= 5; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await store.AppendAsync(Stream($"remember/1/k{i}"), 0, [Data($"{i}{big}")], Context($"g1-{i}", guild: "1"), default);
        }
        await store.AppendAsync(Stream("remember/2/k1"), 0, [Data("other guild")], Context("g2", guild: "2"), default);
        await store.AppendAsync(Stream("sparkle/1/u"), 0, [Data("other category")], Context("s1", guild: "1"), default);

        var events = await EventuallyAsync(async () => await store.ReadGuildEventsAsync("1", "remember", default).ToListAsync(), e => e.Count == 5);

        Assert.Equal(["remember/1/k1", "remember/1/k2", "remember/1/k3", "remember/1/k4", "remember/1/k5"], events.Select(e => e.StreamId));
        Assert.All(events, e => Assert.Equal(250_000 + 1 + """{"text":""}""".Length, e.Data.Length));
        Assert.Equal("sparkle/1/u", Assert.Single(await store.ReadGuildEventsAsync("1", "sparkle", default).ToListAsync()).StreamId);
        Assert.Empty(await store.ReadGuildEventsAsync("3", "remember", default).ToListAsync());
    }

    [Fact]
    public async Task Read_all_returns_every_event_in_stream_order()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync(Stream("t/1/a"), 0, [Data("a1"), Data("a2")], Context("m1"), default);
        await store.AppendAsync(Stream("t/1/b"), 0, [Data("b1")], Context("m2"), default);
        await store.AppendAsync(Stream("t/1/a"), 2, [Data("a3")], Context("m3"), default);

        var all = new List<EventEnvelope>();
        await foreach (var e in store.ReadAllAsync(default)) all.Add(e);

        Assert.Equal(4, all.Count);
        Assert.Equal([1L, 2L, 3L], all.Where(e => e.StreamId == "t/1/a").Select(e => e.Version));
    }

    [Fact]
    public async Task Concurrent_writers_on_one_stream_never_duplicate_or_lose_a_version()
    {
        var store = await CreateStoreAsync();
        const int writers = 16;
        var won = await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            // Each writer retries on conflict like the command handlers do, until its one event is in.
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var current = (await store.ReadStreamAsync(Stream(), 1, default)).Count;
                var result = await store.AppendAsync(Stream(), current, [Data($"w{w}")], Context($"writer-{w}"), default);
                if (result is AppendResult.Appended a) return a.Events[0].Version;
                if (result is AppendResult.AlreadyProcessed) throw new InvalidOperationException("source reused");
                await Task.Delay(Random.Shared.Next(1, 10));
            }
            throw new TimeoutException($"writer {w} never got in");
        }));

        var events = await store.ReadStreamAsync(Stream(), 1, default);
        Assert.Equal(Enumerable.Range(1, writers).Select(i => (long)i), events.Select(e => e.Version));
        Assert.Equal(writers, events.Select(e => e.Data).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, writers).Select(i => (long)i), won.Order());
    }

    [Fact]
    public async Task Large_unicode_payloads_round_trip_exactly()
    {
        var store = await CreateStoreAsync();
        var text = string.Concat(Enumerable.Repeat("🎉 ünïcödé \\\" line\\n", 100));
        var data = new EventData("TestHappened", 1, $$"""{"text":"{{text}}"}""");
        await store.AppendAsync(Stream(), 0, [data], Context("m1"), default);

        Assert.Equal(data.Data, Assert.Single(await store.ReadStreamAsync(Stream(), 1, default)).Data);
    }

    /// <summary>Guild history may be eventually consistent (a GSI): poll briefly, as a reader would.</summary>
    protected static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = await read();
        for (var i = 0; i < 50 && !done(value); i++)
        {
            await Task.Delay(100);
            value = await read();
        }
        return value;
    }
}
