using System.Globalization;
using EventBot.Domain.Common;
using EventBot.Domain.Privacy;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;
using EventBot.EventStore.Privacy;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using EventBot.Projections.Privacy;
using EventBot.Projections.Remember;
using EventBot.Projections.Replay;
using EventBot.Projections.Sparkle;
using EventBot.Projections.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Projections.Tests.Privacy;

/// <summary>
/// A real SQLite store behind the privacy layer, seen by two processes as in production: the bot (which appends and
/// destroys keys) and the projector (which reveals, projects and re-projects), each with its own key cache.
/// </summary>
internal sealed class ErasureHarness : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private int _source;
    private long _position;

    public ErasureHarness()
    {
        Database = new SqliteDatabase(Path.Combine(_dir, "eventbot.db"));
        Raw = new SqliteEventStore(Database, Time);
        var master = LocalKeyFile.OpenOrCreate(Path.Combine(_dir, "eventbot.key"));
        BotKeys = new KeyRing(new SqliteKeyStore(Database), master, Time);
        Bot = PrivateEventStore.Wrap(Raw, new EventPrivacy(BotKeys));
        ProjectorKeys = new KeyRing(new SqliteKeyStore(Database), master, Time);
        Privacy = new EventPrivacy(ProjectorKeys);
        var reader = Reader = PrivateEventStore.Wrap(Raw, Privacy);
        Views = new SqliteViewStore(Database);
        Generations = new Generations(Views);
        Erasures = new ErasureReprojection(reader, Views, EventCodec.Default, new RowRebuilder(reader, Views, EventCodec.Default, Generations), Generations,
            NullLogger<ErasureReprojection>.Instance)
        {
            ForgetCachedKeys = ProjectorKeys.ForgetCached,
        };
        Core = NewCore(Erasures);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    public SqliteDatabase Database { get; }

    public SqliteEventStore Raw { get; }

    public KeyRing BotKeys { get; }

    public PrivateEventStore Bot { get; }

    public KeyRing ProjectorKeys { get; }

    public EventPrivacy Privacy { get; }

    public PrivateEventStore Reader { get; }

    public SqliteViewStore Views { get; }

    public Generations Generations { get; }

    public ErasureReprojection Erasures { get; }

    public ProjectorCore Core { get; }

    public IReadOnlyList<IProjection> Projections { get; } = ProjectionCatalog.All();

    public static readonly GuildId Guild = new(1001);

    public static readonly GuildId Other = new(2002);

    public ProjectorCore NewCore(IErasureHandler erasures) =>
        new(Projections, Views, Reader, EventCodec.Default, Generations, new ProjectionSignals(), NullLogger<ProjectorCore>.Instance)
        {
            Privacy = Privacy,
            Erasures = erasures,
        };

    public async Task<EventEnvelope> AppendAsync(string stream, object @event, string actorId, string actorName, GuildId? guild = null)
    {
        var name = new StreamName(stream);
        var current = (await Bot.ReadStreamAsync(name, 1, default)).Count;
        var result = await Bot.AppendAsync(name, current, [EventCodec.Default.Encode(@event)],
            new AppendContext((guild ?? Guild).ToString(), actorId, actorName, $"test:{++_source}"), default);
        return ((AppendResult.Appended)result).Events.Single();
    }

    public Task<EventEnvelope> SparkleAsync(ulong giver, string giverName, ulong target, string targetName, string reason, GuildId? guild = null) =>
        AppendAsync(SparkleStream.For(guild ?? Guild, new UserId(target)),
            new SparkleEvent.SparkleGiven(giver, giverName, target, targetName, reason, Time.GetUtcNow()), giver.ToString(CultureInfo.InvariantCulture), giverName, guild);

    public Task<EventEnvelope> RememberAsync(string key, string value, string? previous, GuildId? guild = null) =>
        AppendAsync(RememberStream.For(guild ?? Guild, MemoryKey.Parse(key)), new RememberEvent.ValueRemembered(key, value, previous), "5", "mod", guild);

    /// <summary>The raw records appended since the last call, as a feed hands them to the core (not revealed).</summary>
    public async Task<IReadOnlyList<EventEnvelope>> NewRecordsAsync()
    {
        var records = await Raw.ReadAfterPositionAsync(_position, 1000, default);
        if (records.Count > 0) _position = records[^1].Position;
        return records;
    }

    public async Task ProjectNewAsync()
    {
        var result = await Core.ProjectAsync(await NewRecordsAsync(), default);
        Assert.True(result.FirstFailedIndex is null, result.Error?.ToString());
    }

    /// <summary>What the bot's forget-me does before the projector sees anything: destroy the user's keys, then append.</summary>
    public async Task<EventEnvelope> ForgetAsync(string userId)
    {
        var owner = await BotKeys.LookupOfAsync(KeyRing.OwnerText(userId), default);
        var destroyed = await BotKeys.DestroyAsync(await BotKeys.Store.ListAsync(null, owner, default), default);
        Assert.True(destroyed > 0);
        return await AppendAsync(PrivacyStream.For(Guild), new PrivacyEvent.UserForgotten("e1", destroyed, "self"), "privacy", Erased.User);
    }

    public async Task<EventEnvelope> RedactAsync(string key, long version)
    {
        var stream = RememberStream.For(Guild, MemoryKey.Parse(key));
        var lookup = await BotKeys.LookupOfAsync(KeyRing.ValueLookupText(Guild.ToString(), stream, version), default);
        await BotKeys.DestroyAsync([(await BotKeys.Store.FindAsync(lookup, default))!], default);
        return await AppendAsync(stream, new RememberEvent.ValueRedacted(key, version), "5", "mod");
    }

    public static ViewKey Key(string projection, long generation, ViewKey logical) =>
        new(Generations.PhysicalPartition(projection, generation, logical.Partition), logical.Sort);

    public Task<ViewRow?> RowAsync(string projection, ViewKey logical, long generation = 1) => Views.GetAsync(Key(projection, generation, logical), default);

    public async Task<IReadOnlyList<ViewRow>> PartitionAsync(string projection, string partition, long generation = 1) =>
        await Views.QueryAsync(Generations.PhysicalPartition(projection, generation, partition), default);

    /// <summary>Overwrites a stored row's body as if it were stale: a re-projection that covers the row puts it right.</summary>
    public async Task TamperAsync(string projection, ViewKey logical, Func<string, string> change, long generation = 1)
    {
        var row = await RowAsync(projection, logical, generation) ?? throw new InvalidOperationException("no row to tamper with");
        Assert.True(await Views.TryWriteAsync(new ViewRow(row.Key, change(row.Body), row.Applied, row.Revision + 1), row.Revision, default));
    }

    /// <summary>Copies every row of a projection's partition into another generation: the slot a previous replay left.</summary>
    public async Task CopyToGenerationAsync(string projection, string partition, long from, long to)
    {
        foreach (var row in await PartitionAsync(projection, partition, from))
            Assert.True(await Views.TryWriteAsync(new ViewRow(new ViewKey(Generations.PhysicalPartition(projection, to, partition), row.Key.Sort), row.Body, row.Applied, 1), 0, default));
    }

    public void Dispose()
    {
        Raw.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

public sealed class ErasureReprojectionTests : IDisposable
{
    private const ulong Alice = 111, Zeb = 222;
    private readonly ErasureHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string G => ErasureHarness.Guild.ToString();

    private static ViewKey Totals(ulong user) => SparkleTotals.RowFor(G, user);

    private async Task SeedSparklesAsync()
    {
        await _h.SparkleAsync(Zeb, "Zebulon", Alice, "Alice", "for the zebsecret");
        await _h.SparkleAsync(Alice, "Alice", Zeb, "Zebulon", "for the knots");
        await _h.ProjectNewAsync();
        Assert.Contains("zebsecret", (await _h.RowAsync(SparkleTotals.ProjectionName, Totals(Alice)))!.Body); // the checks below can fail
        Assert.NotNull(await _h.RowAsync(SparkleTotals.ProjectionName, Totals(Zeb)));
    }

    [Fact]
    public async Task Redact_reprojects_the_rows_of_that_keys_stream_and_nothing_else()
    {
        await _h.RememberAsync("wifi", "hunter2", null);
        await _h.RememberAsync("lunch", "pizza", null);
        await _h.ProjectNewAsync();
        await _h.CopyToGenerationAsync(RememberedValues.ProjectionName, G, from: 1, to: 2); // the slot a replay before left
        // Stale-looking rows (same partition, another key): only a row the re-projection covers is put right.
        foreach (var generation in new long[] { 1, 2 })
            await _h.TamperAsync(RememberedValues.ProjectionName, RememberedValues.RowFor(G, "lunch"), b => b.Replace("pizza", "stale", StringComparison.Ordinal), generation);
        var redaction = await _h.RedactAsync("wifi", 1);

        await _h.ProjectNewAsync();

        foreach (var generation in new long[] { 1, 2 })
        {
            var wifi = RememberedValues.Read(await _h.RowAsync(RememberedValues.ProjectionName, RememberedValues.RowFor(G, "wifi"), generation))!;
            Assert.Equal(Erased.Value, wifi.Value);
            Assert.Contains("stale", (await _h.RowAsync(RememberedValues.ProjectionName, RememberedValues.RowFor(G, "lunch"), generation))!.Body);
        }
        Assert.True(await ErasureReprojection.IsAppliedAsync(_h.Views, redaction.StreamId, redaction.Version, default));
    }

    [Fact]
    public async Task Forget_me_reprojects_the_guilds_rows_and_deletes_the_rows_keyed_by_the_user()
    {
        await SeedSparklesAsync();
        await _h.SparkleAsync(Alice, "Alice", 333, "Carol", "other server", ErasureHarness.Other);
        await _h.ProjectNewAsync();
        var otherRow = SparkleTotals.RowFor(ErasureHarness.Other.ToString(), 333);
        await _h.TamperAsync(SparkleTotals.ProjectionName, otherRow, b => b.Replace("other server", "stale", StringComparison.Ordinal));

        await _h.ForgetAsync(Zeb.ToString(CultureInfo.InvariantCulture));
        await _h.ProjectNewAsync();

        var rows = await _h.PartitionAsync(SparkleTotals.ProjectionName, G);
        Assert.DoesNotContain(rows, r => r.Key.Sort == Zeb.ToString(CultureInfo.InvariantCulture)); // deleted: keyed by his id
        var all = string.Join("\n", rows.Select(r => r.Body));
        Assert.DoesNotContain("Zebulon", all);
        Assert.DoesNotContain("zebsecret", all);
        Assert.Contains(Erased.User, all);
        Assert.Equal(2, rows.Count); // Alice's, and his under the anonymous number: still counted
        var board = await _h.PartitionAsync(SparkleBoard.ProjectionName, SparkleBoard.Partition(G, "all"));
        Assert.DoesNotContain(board, r => r.Key.Sort == Zeb.ToString(CultureInfo.InvariantCulture));
        // Another server's rows are not touched (the stale one stays stale).
        Assert.Contains("stale", (await _h.RowAsync(SparkleTotals.ProjectionName, otherRow))!.Body);
    }

    [Fact]
    public async Task Forget_me_brings_the_other_slot_of_the_pair_to_the_erased_state_without_adding_rows()
    {
        await SeedSparklesAsync();
        await _h.CopyToGenerationAsync(SparkleTotals.ProjectionName, G, from: 1, to: 2); // the slot a replay before left

        await _h.ForgetAsync(Zeb.ToString(CultureInfo.InvariantCulture));
        await _h.ProjectNewAsync();

        var slot = await _h.PartitionAsync(SparkleTotals.ProjectionName, G, generation: 2);
        var text = string.Join("\n", slot.Select(r => r.Key.Sort + r.Body));
        // His id as a whole number (a key, or a JSON value): random key ids and pseudonyms may hold "222" among their digits.
        Assert.DoesNotMatch($"(?<![0-9]){Zeb.ToString(CultureInfo.InvariantCulture)}(?![0-9])", text);
        Assert.DoesNotContain("Zebulon", text);
        Assert.DoesNotContain("zebsecret", text);
        // Alice's row is as generation 1 holds it now; his row keyed by his id is gone, and the one under the anonymous
        // number is not added (the slot did not hold it: the next replay writes it)...
        var alice = (await _h.RowAsync(SparkleTotals.ProjectionName, Totals(Alice)))!;
        Assert.Equal((alice.Key.Sort, alice.Body), Assert.Single(slot.Select(r => (r.Key.Sort, r.Body))));
        // ...and nothing is written in a slot's partition it did not hold.
        Assert.Empty(await _h.PartitionAsync(SparkleBoard.ProjectionName, SparkleBoard.Partition(G, "all"), generation: 2));
    }

    [Fact]
    public async Task A_slot_a_rebuild_is_writing_is_left_to_that_rebuild()
    {
        await SeedSparklesAsync();
        await _h.CopyToGenerationAsync(SparkleTotals.ProjectionName, G, from: 1, to: 2);
        await _h.Views.SetValueAsync(Rebuilder.BuildingName(SparkleTotals.ProjectionName), "2", default);

        await _h.ForgetAsync(Zeb.ToString(CultureInfo.InvariantCulture));
        await _h.ProjectNewAsync();

        Assert.DoesNotContain("zebsecret", string.Join("\n", (await _h.PartitionAsync(SparkleTotals.ProjectionName, G)).Select(r => r.Body)));
        Assert.Contains("zebsecret", string.Join("\n", (await _h.PartitionAsync(SparkleTotals.ProjectionName, G, generation: 2)).Select(r => r.Body)));
    }

    [Fact]
    public async Task Apply_to_a_generation_reprojects_that_generation_alone_whatever_the_marker()
    {
        await SeedSparklesAsync();
        await _h.CopyToGenerationAsync(SparkleTotals.ProjectionName, G, from: 1, to: 4);
        var forgotten = await _h.ForgetAsync(Zeb.ToString(CultureInfo.InvariantCulture));
        await _h.ProjectNewAsync();
        Assert.Contains("zebsecret", string.Join("\n", (await _h.PartitionAsync(SparkleTotals.ProjectionName, G, generation: 4)).Select(r => r.Body)));

        await _h.Erasures.ApplyToGenerationAsync(forgotten, _h.Projections, 4, default);

        var rebuilt = await _h.PartitionAsync(SparkleTotals.ProjectionName, G, generation: 4);
        Assert.DoesNotContain("zebsecret", string.Join("\n", rebuilt.Select(r => r.Body)));
        Assert.DoesNotContain(rebuilt, r => r.Key.Sort == Zeb.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(2, rebuilt.Count);
    }

    [Theory]
    [InlineData(0, true)] // the marker an earlier erasure of the log left: this one runs
    [InlineData(1, false)] // at the event's version: a redelivery, no-op
    [InlineData(5, false)] // after it: no-op
    public async Task A_redelivered_erasure_is_a_no_op(long markerAhead, bool runs)
    {
        await _h.RememberAsync("wifi", "hunter2", null);
        await _h.ProjectNewAsync();
        var redaction = await _h.RedactAsync("wifi", 1);
        await _h.ProjectNewAsync();
        var wifi = RememberedValues.RowFor(G, "wifi");
        await _h.TamperAsync(RememberedValues.ProjectionName, wifi, b => b.Replace(Erased.Value, "stale", StringComparison.Ordinal));
        await _h.Views.SetValueAsync(ErasureReprojection.MarkerName(redaction.StreamId),
            (redaction.Version - 1 + markerAhead).ToString(CultureInfo.InvariantCulture), default);

        await _h.Erasures.ApplyAsync(redaction, _h.Projections, default);

        Assert.Equal(!runs, (await _h.RowAsync(RememberedValues.ProjectionName, wifi))!.Body.Contains("stale", StringComparison.Ordinal));
    }
}

/// <summary>
/// A forget-me while <c>replay</c> builds the next generation: its main pass has revealed the user's events before the
/// keys were destroyed (and caches the keys), and the live projector leaves the generation being built to the rebuild.
/// </summary>
public sealed class RebuildErasureTests : IDisposable
{
    private readonly ErasureHarness _h = new();

    public void Dispose() => _h.Dispose();

    private Rebuilder NewRebuilder(IErasureHandler? erasures, Action<long> afterBatch) =>
        new(_h.Reader, _h.Views, EventCodec.Default, _h.Generations, new ProjectionSignals(), NullLoggerFactory.Instance)
        {
            BatchSize = 1,
            PageSize = 1,
            FlipSettle = TimeSpan.Zero,
            Time = _h.Time,
            Erasures = erasures,
            AfterBatch = afterBatch,
        };

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // without it the new generation keeps what the main pass revealed: the test can fail
    public async Task An_erasure_during_a_rebuild_leaves_nothing_of_the_user_in_the_generation_it_flips_to(bool reprojects)
    {
        await _h.SparkleAsync(222, "Zebulon", 111, "Alice", "for the zebsecret");
        await _h.SparkleAsync(111, "Alice", 222, "Zebulon", "for the knots");
        await _h.SparkleAsync(111, "Alice", 333, "Carol", "for the tea");
        await _h.ProjectNewAsync();
        var forgotten = false;
        var rebuilder = NewRebuilder(reprojects ? _h.Erasures : null, _ =>
        {
            if (forgotten) return;
            forgotten = true;
            Task.Run(() => _h.ForgetAsync("222")).GetAwaiter().GetResult(); // after the first event is in the new generation
        });

        var result = await rebuilder.RunAsync(_h.Projections, null, default);

        Assert.True(forgotten);
        var flip = Assert.Single(result.Flips, f => f.Projection == SparkleTotals.ProjectionName);
        var rows = await _h.PartitionAsync(SparkleTotals.ProjectionName, ErasureHarness.Guild.ToString(), flip.Next);
        var text = string.Join("\n", rows.Select(r => r.Key.Sort + r.Body));
        Assert.Equal(reprojects, !text.Contains("zebsecret", StringComparison.Ordinal) && !text.Contains("Zebulon", StringComparison.Ordinal)
            && rows.All(r => r.Key.Sort != "222"));
    }
}

/// <summary>
/// <see cref="ProjectorCore"/> splits a batch of raw records at each erasure event: the records before it are revealed
/// and applied first, then the erasure is handled, and only then are the records after it revealed, so none is revealed
/// with a key the projector still cached after another process destroyed it.
/// </summary>
public sealed class ProjectorCoreErasureSplitTests : IDisposable
{
    private readonly ErasureHarness _h = new();

    public void Dispose() => _h.Dispose();

    private sealed class Recording(Func<EventEnvelope, Task> onErasure) : IErasureHandler
    {
        public bool Handles(string eventType) => ErasureReprojection.IsErasure(eventType);

        public Task ApplyAsync(EventEnvelope erasure, IReadOnlyList<IProjection> projections, CancellationToken ct) => onErasure(erasure);

        public Task ApplyToGenerationAsync(EventEnvelope erasure, IReadOnlyList<IProjection> projections, long generation, CancellationToken ct) =>
            throw new InvalidOperationException("a live core never re-projects one generation");
    }

    [Fact]
    public async Task Records_before_an_erasure_apply_before_it_and_records_after_it_after()
    {
        var seen = new List<(string Type, bool BeforeApplied, bool AfterApplied)>();
        var g = ErasureHarness.Guild.ToString();
        var core = _h.NewCore(new Recording(async e => seen.Add((e.Type,
            await _h.RowAsync(RememberedValues.ProjectionName, RememberedValues.RowFor(g, "before")) is not null,
            await _h.RowAsync(RememberedValues.ProjectionName, RememberedValues.RowFor(g, "after")) is not null))));
        await _h.RememberAsync("wifi", "hunter2", null);
        await _h.RememberAsync("before", "1", null);
        await _h.RedactAsync("wifi", 1);
        await _h.RememberAsync("after", "2", null);
        var batch = await _h.NewRecordsAsync();
        Assert.Equal(4, batch.Count);

        var result = await core.ProjectAsync(batch, default);

        Assert.Null(result.FirstFailedIndex);
        Assert.Equal([("ValueRedacted", true, false)], seen);
        Assert.NotNull(await _h.RowAsync(RememberedValues.ProjectionName, RememberedValues.RowFor(g, "after")));
    }

    [Fact]
    public async Task A_record_after_the_erasure_is_revealed_only_after_the_cached_keys_are_forgotten()
    {
        // The projector has revealed Zeb's first sparkle in the other server, so it caches his key there...
        var other = ErasureHarness.Other;
        await _h.SparkleAsync(222, "Zebulon", 111, "Alice", "for the first zebsecret", other);
        await _h.ProjectNewAsync();
        // ...when the bot appends his second one there, then destroys his keys in every server and appends the erasure
        // to this server's log (the other server's comes next): a feed may deliver those two records in one batch. The
        // erasure's re-projection covers this server only, so the other server's record is right only if it is revealed
        // after the projector forgot its cached keys.
        await _h.SparkleAsync(222, "Zebulon", 333, "Carol", "for the second zebsecret", other);
        await _h.ForgetAsync("222");
        var batch = await _h.NewRecordsAsync();
        Assert.Equal(["sparkle", "privacy"], batch.Select(r => StreamIds.Category(r.StreamId)));

        var result = await _h.Core.ProjectAsync([batch[1], batch[0]], default);

        Assert.Null(result.FirstFailedIndex);
        var carol = Assert.Single(await _h.PartitionAsync(SparkleTotals.ProjectionName, other.ToString()), r => r.Key.Sort == "333");
        Assert.DoesNotContain("Zebulon", carol.Body);
        Assert.DoesNotContain("zebsecret", carol.Body);
        Assert.Contains(Erased.Text, carol.Body);
    }
}
