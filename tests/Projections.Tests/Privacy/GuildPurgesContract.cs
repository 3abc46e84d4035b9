using EventBot.Domain.Common;
using EventBot.Domain.Privacy;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Privacy;
using EventBot.Projections.Replay;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static EventBot.Domain.Privacy.PrivacyEvent;

namespace EventBot.Projections.Tests.Privacy;

/// <summary>
/// The index of pending guild purges (docs/privacy.md), given the servers' privacy logs, then what one Query of its
/// partition lists. Each store runs the suite through a small subclass (SQLite, DynamoDB Local), as the view stores do.
/// </summary>
public abstract class GuildPurgesContract
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private int _source;

    protected FakeTimeProvider Time { get; } = new(Noon);

    /// <summary>A fresh, empty event store and view store (tables of their own).</summary>
    protected abstract Task<(IEventStore Store, IViewStore Views)> CreateAsync();

    private sealed record World(IEventStore Store, IViewStore Views, Generations Generations, ProjectorCore Core, ReadModels Read);

    private async Task<World> WorldAsync()
    {
        var (store, views) = await CreateAsync();
        var generations = new Generations(views);
        var core = new ProjectorCore([new GuildPurges()], views, store, EventCodec.Default, generations, new ProjectionSignals(), NullLogger<ProjectorCore>.Instance);
        return new World(store, views, generations, core, new ReadModels(views, generations));
    }

    private static string Guild(int n) => new GuildId((ulong)(1000 + n)).ToString();

    private async Task<EventEnvelope> AppendAsync(World w, string guild, PrivacyEvent e)
    {
        var stream = new StreamName(PrivacyStream.For(new GuildId(ulong.Parse(guild, System.Globalization.CultureInfo.InvariantCulture))));
        var version = _versions.GetValueOrDefault(stream.Value);
        var result = await w.Store.AppendAsync(stream, version, [EventCodec.Default.Encode(e)], new AppendContext(guild, "42", "mod", $"m{++_source}"), default);
        _versions[stream.Value] = version + 1;
        Time.Advance(TimeSpan.FromMinutes(1));
        return Assert.Single(((AppendResult.Appended)result).Events);
    }

    private static async Task ProjectAsync(World w, params EventEnvelope[] events) =>
        Assert.Null((await w.Core.ProjectAsync(events, default)).FirstFailedIndex);

    private static async Task<IReadOnlyList<GuildPurge>> PendingAsync(World w) =>
        GuildPurges.PendingOf(await w.Read.QueryAsync(GuildPurges.ProjectionName, GuildPurges.Partition, default));

    private static async Task<GuildPurge?> RowAsync(World w, string guild) =>
        GuildPurges.Read(await w.Read.GetAsync(GuildPurges.ProjectionName, GuildPurges.RowFor(guild), default));

    [Fact]
    public async Task Given_a_schedule_then_one_query_of_the_partition_lists_it_with_its_due_time()
    {
        var w = await WorldAsync();

        await ProjectAsync(w, await AppendAsync(w, Guild(1), new GuildPurgeScheduled(Noon.AddDays(30))));

        var pending = Assert.Single(await PendingAsync(w));
        Assert.Equal((Guild(1), Noon.AddDays(30), GuildPurge.Pending), (pending.Guild, pending.DueAt, pending.State));
        var rows = await w.Views.QueryAsync(Generations.PhysicalPartition(GuildPurges.ProjectionName, 1, GuildPurges.Partition), default);
        Assert.Equal(1, Assert.Single(rows).AppliedVersion(PrivacyStream.For(new GuildId(1001))));
    }

    [Fact]
    public async Task Given_a_cancel_or_a_purge_then_the_row_stays_marked_and_nothing_is_pending()
    {
        var w = await WorldAsync();

        await ProjectAsync(w,
            await AppendAsync(w, Guild(1), new GuildPurgeScheduled(Noon.AddDays(30))),
            await AppendAsync(w, Guild(2), new GuildPurgeScheduled(Noon.AddDays(30))),
            await AppendAsync(w, Guild(1), new GuildPurgeCancelled(Noon.AddDays(1))),
            await AppendAsync(w, Guild(2), new GuildPurged(4, "removed")));

        Assert.Empty(await PendingAsync(w));
        var cancelled = await RowAsync(w, Guild(1));
        var purged = await RowAsync(w, Guild(2));
        Assert.Equal(((DateTimeOffset?)null, GuildPurge.Cancelled), (cancelled?.DueAt, cancelled?.State));
        Assert.Equal(((DateTimeOffset?)null, GuildPurge.Purged), (purged?.DueAt, purged?.State));
    }

    [Fact]
    public async Task Given_a_forget_before_the_schedule_then_the_gap_is_stepped_over_and_the_schedule_is_pending()
    {
        var w = await WorldAsync();
        var forgot = await AppendAsync(w, Guild(1), new UserForgotten("e1", 2, "self"));
        var scheduled = await AppendAsync(w, Guild(1), new GuildPurgeScheduled(Noon.AddDays(7)));

        await ProjectAsync(w, forgot, scheduled);
        await ProjectAsync(w, scheduled); // delivered again: a duplicate

        Assert.Equal([(Guild(1), (DateTimeOffset?)Noon.AddDays(7))], (await PendingAsync(w)).Select(p => (p.Guild, p.DueAt)));
    }

    [Fact]
    public async Task Scheduled_again_after_a_cancel_the_new_due_time_is_pending_and_servers_list_soonest_first()
    {
        var w = await WorldAsync();

        await ProjectAsync(w,
            await AppendAsync(w, Guild(1), new GuildPurgeScheduled(Noon.AddDays(30))),
            await AppendAsync(w, Guild(1), new GuildPurgeCancelled(Noon.AddDays(1))),
            await AppendAsync(w, Guild(2), new GuildPurgeScheduled(Noon.AddDays(20))),
            await AppendAsync(w, Guild(1), new GuildPurgeScheduled(Noon.AddDays(10))));

        Assert.Equal([Guild(1), Guild(2)], (await PendingAsync(w)).Select(p => p.Guild));
        Assert.Equal(Noon.AddDays(10), (await RowAsync(w, Guild(1)))!.DueAt);
    }

    [Fact]
    public async Task For_random_logs_the_index_agrees_with_the_decider_and_a_rebuild_from_events_builds_the_same_index()
    {
        var w = await WorldAsync();
        var random = new Random(17);
        var logs = new Dictionary<string, List<PrivacyEvent>>(StringComparer.Ordinal);
        var appended = new List<EventEnvelope>();
        for (var i = 0; i < 60; i++)
        {
            var guild = Guild(random.Next(8));
            PrivacyEvent e = random.Next(4) switch
            {
                0 => new GuildPurgeScheduled(Noon.AddDays(random.Next(1, 40))),
                1 => new GuildPurgeCancelled(Noon),
                2 => new GuildPurged(random.Next(5), "operator"),
                _ => new UserForgotten($"e{i}", 1, "self"),
            };
            (logs.TryGetValue(guild, out var log) ? log : logs[guild] = []).Add(e);
            appended.Add(await AppendAsync(w, guild, e));
        }
        // Delivered in batches, some records twice, as a feed may.
        for (var i = 0; i < appended.Count; i += 7)
            await ProjectAsync(w, [.. appended.Skip(Math.Max(0, i - 2)).Take(9)]);

        var expected = logs.Select(l => (Guild: l.Key, Due: GuildPurgeDecider.Pending(l.Value))).Where(p => p.Due is not null)
            .OrderBy(p => p.Due).ThenBy(p => p.Guild, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, (await PendingAsync(w)).Select(p => (p.Guild, p.DueAt)).ToList());

        var rebuilder = new Rebuilder(w.Store, w.Views, EventCodec.Default, w.Generations, new ProjectionSignals(), NullLoggerFactory.Instance) { FlipSettle = TimeSpan.Zero };
        Assert.Empty((await rebuilder.VerifyAsync([new GuildPurges()], null, default)).Drift);
        await rebuilder.RunAsync([new GuildPurges()], null, default);
        w.Generations.Refresh();
        Assert.Equal(2, await w.Generations.ActiveAsync(GuildPurges.ProjectionName, default));
        Assert.Equal(expected, (await PendingAsync(w)).Select(p => (p.Guild, p.DueAt)).ToList());
    }
}
