using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.Projections.Core;
using EventBot.Projections.DynamoDb;
using EventBot.Projections.Feeds.Streams;
using EventBot.Projections.Remember;
using EventBot.Projections.Replay;
using EventBot.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Replay;

/// <summary>
/// A DynamoDB rebuild's catch-up from the events table's stream (<see cref="StreamsRebuildFeed"/>), on DynamoDB Local:
/// events appended while the rebuild runs reach the new generation, and the feed hands over only what came after it
/// started following.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbRebuildCatchUpTests(DynamoDbLocalFixture dynamo)
{
    private const string Guild = "7";

    private sealed class Tables
    {
        public required DynamoDbStoreOptions Options { get; init; }

        public required DynamoDbEventStore Store { get; init; }

        public required DynamoDbViewStore Views { get; init; }

        public Dictionary<int, long> Versions { get; } = [];

        public int Appended { get; set; }
    }

    /// <param name="stream">False: the events table is created without its stream.</param>
    private async Task<Tables> CreateAsync(bool stream = true)
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix))
        {
            if (!stream) table.StreamSpecification = null;
            await dynamo.Client.CreateTableAsync(table);
        }
        var options = new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 4 };
        return new Tables
        {
            Options = options,
            Store = new DynamoDbEventStore(dynamo.Client, options, TimeProvider.System),
            Views = new DynamoDbViewStore(dynamo.Client, options),
        };
    }

    /// <summary>Remembers a new value for key <paramref name="k"/> (a new stream the first time).</summary>
    private static async Task RememberAsync(Tables t, int k)
    {
        t.Versions.TryGetValue(k, out var v);
        var key = Domain.Remember.MemoryKey.Parse($"key {k}");
        var i = t.Appended++;
        var result = await t.Store.AppendAsync(new StreamName(Domain.Remember.RememberStream.For(new Domain.Common.GuildId(7), key)), v,
            [EventCodec.Default.Encode(new ValueRemembered(key.Display, $"value {i}", null))], new AppendContext(Guild, "1", "alice", $"m{i}"), default);
        Assert.IsType<AppendResult.Appended>(result);
        t.Versions[k] = v + 1;
    }

    private StreamsRebuildFeed Feed(Tables t, int maxHeld = 100_000) => new(
        dynamo.StreamsClient(),
        dynamo.Client,
        Options.Create(new StreamsPollerOptions { TableName = EventBotTables.EventsTableName(t.Options.TablePrefix) }),
        TimeProvider.System,
        NullLoggerFactory.Instance)
    {
        MaxHeld = maxHeld,
    };

    [Fact]
    public async Task The_feed_returns_only_events_appended_after_it_began_following_each_stream_in_version_order()
    {
        var t = await CreateAsync();
        for (var i = 0; i < 10; i++) await RememberAsync(t, i % 3);
        await using var following = await Feed(t).FollowAsync(default);
        Assert.NotNull(following);

        for (var i = 0; i < 12; i++) await RememberAsync(t, 3 - i % 4); // keys 3 (new), 2, 1, 0
        var first = await following.ReadNewAsync(default);
        await RememberAsync(t, 5);
        var second = await following.ReadNewAsync(default);
        var third = await following.ReadNewAsync(default);

        Assert.NotNull(first);
        Assert.Equal(12, first.Count);
        Assert.All(first, e => Assert.Equal(Guild, e.GuildId));
        foreach (var stream in first.GroupBy(e => e.StreamId))
        {
            Assert.Equal(3, stream.Count());
            Assert.Equal(stream.Select(e => e.Version).Order(), stream.Select(e => e.Version)); // in version order
        }
        Assert.Equal(["value 22"], second!.Select(e => EventCodec.Default.Decode(e)).Cast<ValueRemembered>().Select(v => v.Value));
        Assert.Empty(third!);
    }

    [Fact]
    public async Task On_a_table_without_a_stream_the_feed_declines_and_the_rebuild_scans_instead()
    {
        var t = await CreateAsync(stream: false);
        for (var i = 0; i < 200; i++) await RememberAsync(t, i % 20);

        Assert.Null(await Feed(t).FollowAsync(default));
        var rebuilt = await RebuildAsync(t, Feed(t), after: async () =>
        {
            for (var i = 0; i < 10; i++) await RememberAsync(t, 15 + i);
        });
        Assert.Equal(await ExpectedAsync(t), rebuilt);
    }

    [Fact]
    public async Task The_feed_gives_up_when_more_events_arrive_than_it_may_hold()
    {
        var t = await CreateAsync();
        await using var following = await Feed(t, maxHeld: 5).FollowAsync(default);
        for (var i = 0; i < 6; i++) await RememberAsync(t, i);

        Assert.Null(await following!.ReadNewAsync(default));
        Assert.Null(await following.ReadNewAsync(default)); // and stays given up
    }

    [Fact]
    public async Task Events_appended_during_a_rebuild_and_after_its_flip_reach_the_new_generation_through_the_stream()
    {
        var t = await CreateAsync();
        for (var i = 0; i < 300; i++) await RememberAsync(t, i % 40);
        var feed = new CountingFeed(Feed(t));
        var rebuilt = await RebuildAsync(t, feed, after: async () =>
        {
            for (var i = 0; i < 30; i++) await RememberAsync(t, 35 + i % 10); // existing keys and new ones
        }, afterFlip: async () =>
        {
            // No live feed runs here: only the catch-up after the flip can bring these into generation 2.
            for (var i = 0; i < 5; i++) await RememberAsync(t, 50 + i);
        });

        Assert.Equal(335, t.Appended);
        Assert.True(feed.Returned >= 35, $"the feed returned {feed.Returned} events");
        Assert.False(feed.GaveUp);
        Assert.Equal(await ExpectedAsync(t), rebuilt);
    }

    [Fact]
    public async Task When_the_feed_gives_up_the_rebuild_catches_up_by_scan_and_loses_nothing()
    {
        var t = await CreateAsync();
        for (var i = 0; i < 300; i++) await RememberAsync(t, i % 40);
        var feed = new CountingFeed(Feed(t)) { GiveUp = true };
        var rebuilt = await RebuildAsync(t, feed, after: async () =>
        {
            for (var i = 0; i < 30; i++) await RememberAsync(t, 35 + i % 10);
        });

        Assert.True(feed.GaveUp);
        Assert.Equal(await ExpectedAsync(t), rebuilt);
    }

    /// <summary>
    /// Rebuilds RememberedValues into generation 2, running <paramref name="after"/> once, halfway through the main pass,
    /// and <paramref name="afterFlip"/> right after the flip.
    /// </summary>
    private static async Task<List<(string, string)>> RebuildAsync(Tables t, IRebuildCatchUpFeed feed, Func<Task> after, Func<Task>? afterFlip = null)
    {
        var generations = new Generations(t.Views);
        var ran = false;
        var rebuilder = new Rebuilder(t.Store, t.Views, EventCodec.Default, generations, new ProjectionSignals(), NullLoggerFactory.Instance)
        {
            BatchSize = 100,
            FlipSettle = TimeSpan.Zero,
            CatchUpFeed = feed,
            AfterBatch = _ =>
            {
                if (ran) return;
                ran = true;
                after().GetAwaiter().GetResult();
            },
        };
        var flipped = false;
        var progress = new InlineProgress(p =>
        {
            if (p.Phase != "settling after the flip" || flipped) return;
            flipped = true;
            afterFlip?.Invoke().GetAwaiter().GetResult();
        });
        var result = await rebuilder.RunAsync([new RememberedValues()], progress, default);
        Assert.True(ran);
        Assert.True(flipped);
        Assert.Equal(2, Assert.Single(result.Flips).Next);
        return await DumpAsync(t.Views, 2);
    }

    /// <summary>Every event projected from scratch, in one pass, into a views table of its own.</summary>
    private async Task<List<(string, string)>> ExpectedAsync(Tables t)
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        await dynamo.Client.CreateTableAsync(EventBotTables.Views(prefix));
        var views = new DynamoDbViewStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix });
        var core = new ProjectorCore([new RememberedValues()], views, t.Store, EventCodec.Default, new Generations(views), new ProjectionSignals(),
            NullLogger<ProjectorCore>.Instance);
        var all = new List<EventEnvelope>();
        await foreach (var e in t.Store.ReadAllAsync(default)) all.Add(e);
        Assert.Equal(t.Appended, all.Count);
        Assert.Null((await core.ProjectAsync(all, default)).FirstFailedIndex);
        return await DumpAsync(views, 1);
    }

    private static async Task<List<(string, string)>> DumpAsync(DynamoDbViewStore views, long generation) =>
        [.. (await views.QueryAsync(Generations.PhysicalPartition(RememberedValues.ProjectionName, generation, Guild), default))
            .Select(r => (r.Key.Sort, r.Body))];

    /// <summary>Counts what the real feed hands over; <see cref="GiveUp"/> makes every read answer null, as a feed that fell behind does.</summary>
    private sealed class CountingFeed(IRebuildCatchUpFeed inner) : IRebuildCatchUpFeed
    {
        public bool GiveUp { get; init; }

        public int Returned { get; private set; }

        public bool GaveUp { get; private set; }

        public async Task<IRebuildCatchUp?> FollowAsync(CancellationToken ct) =>
            await inner.FollowAsync(ct) is { } following ? new Counting(this, following) : null;

        private sealed class Counting(CountingFeed feed, IRebuildCatchUp inner) : IRebuildCatchUp
        {
            public async Task<IReadOnlyList<EventEnvelope>?> ReadNewAsync(CancellationToken ct)
            {
                var events = await inner.ReadNewAsync(ct);
                if (feed.GiveUp) events = null;
                if (events is null) feed.GaveUp = true;
                else feed.Returned += events.Count;
                return events;
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
