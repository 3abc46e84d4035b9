using EventBot.Bot.Features.Privacy;
using EventBot.Bot.Tests.Cli;
using EventBot.Bot.Hosting;
using EventBot.Discord;
using EventBot.Domain.Common;
using EventBot.Domain.Privacy;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Privacy;
using EventBot.Projections.Sqlite;
using EventBot.Projections.Replay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Tests.Features.Privacy;

/// <summary>
/// The retention after the bot is removed from a server (docs/privacy.md), on SQLite with a fake clock: GUILD_DELETE
/// schedules once, GUILD_CREATE cancels, an outage does nothing, a due schedule purges that server only.
/// </summary>
[Collection(EventBot.Testing.DynamoDbLocalFixture.Collection)]
public sealed class GuildRetentionTests : IAsyncLifetime
{
    private static readonly GuildId Other = GuildId.FromName("other-server");
    private BotHarness _h = null!;

    public async Task InitializeAsync() =>
        _h = await BotHarness.StartAsync(configure: services => services.AddSingleton(sp => new Rebuilder(sp.GetRequiredService<IEventReader>(),
            sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>(),
            sp.GetRequiredService<ProjectionSignals>(), sp.GetRequiredService<ILoggerFactory>())
        { FlipSettle = TimeSpan.Zero }));

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string Guild => BotHarness.Guild.ToString();

    private GuildRetention NewRetention(IEventStore? store = null, ReadModels? index = null) => new(store ?? _h.Host.Services.GetRequiredService<IEventStore>(),
        _h.Host.Services.GetRequiredService<EventCodec>(), _h.Host.Services.GetRequiredService<Erasure>(), index ?? Index,
        _h.Host.Services.GetRequiredService<IOptions<BotOptions>>(), _h.Time, _h.Host.Services.GetRequiredService<ILogger<GuildRetention>>());

    private ReadModels Index => _h.Host.Services.GetRequiredService<ReadModels>();

    /// <summary>Waits (real time, generous) until the in-process SQLite tail has applied the server's log up to <paramref name="version"/>.</summary>
    private async Task IndexedAsync(GuildId guild, long version)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Index.GetAsync(GuildPurges.ProjectionName, GuildPurges.RowFor(guild.ToString()), default))?.AppliedVersion(PrivacyStream.For(guild)) is not { } applied || applied < version)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the guild-purges index never applied v{version} of {guild}'s log");
            await Task.Delay(20);
        }
    }

    /// <summary>The store as the bot's AWS role sees it: no Scan, so reading every event fails.</summary>
    private sealed class NoScanStore(IEventStore inner) : IEventStore
    {
        public int Scans { get; private set; }

        public IAsyncEnumerable<EventEnvelope> ReadAllAsync(CancellationToken ct)
        {
            Scans++;
            throw new InvalidOperationException("AccessDenied: dynamodb:Scan (the bot's role has no Scan)");
        }

        public Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(StreamName stream, long fromVersion, CancellationToken ct) => inner.ReadStreamAsync(stream, fromVersion, ct);

        public Task<IReadOnlyList<EventEnvelope>> ReadStreamBackwardAsync(StreamName stream, long beforeVersion, int limit, CancellationToken ct) =>
            inner.ReadStreamBackwardAsync(stream, beforeVersion, limit, ct);

        public Task<StreamUnfold?> ReadUnfoldAsync(StreamName stream, CancellationToken ct) => inner.ReadUnfoldAsync(stream, ct);

        public Task<IReadOnlyList<EventEnvelope>> ReadGuildHistoryAsync(string guildId, string category, int skip, int take, CancellationToken ct) =>
            inner.ReadGuildHistoryAsync(guildId, category, skip, take, ct);

        public IAsyncEnumerable<EventEnvelope> ReadGuildEventsAsync(string guildId, string category, CancellationToken ct) =>
            inner.ReadGuildEventsAsync(guildId, category, ct);

        public Task<AppendResult> AppendAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, AppendContext context, CancellationToken ct) =>
            inner.AppendAsync(stream, expectedVersion, events, context, ct);

        public Task<AppendResult> AppendWithUnfoldAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData unfold, AppendContext context, CancellationToken ct) =>
            inner.AppendWithUnfoldAsync(stream, expectedVersion, events, unfold, context, ct);
    }

    private async Task<List<string>> LogTypesAsync(GuildId guild) =>
        [.. (await _h.Host.Services.GetRequiredService<IEventStore>().ReadStreamAsync(new StreamName(PrivacyStream.For(guild)), 1, default)).Select(e => e.Type)];

    private async Task SeedAsync()
    {
        await _h.SayAsync(".remember gate is purgeme-7788", user: "alice");
        await _h.SayAsync(".remember gate is keepme-1234", user: "alice", guild: Other);
    }

    [Fact]
    public async Task Removed_twice_schedules_once_and_being_added_back_cancels_so_nothing_is_purged()
    {
        await SeedAsync();
        var retention = NewRetention();
        await retention.LoadAsync(default);

        await retention.OnGuildAsync(new DiscordGuildEvent(Guild, DiscordGuildChange.Removed), default);
        await retention.OnGuildAsync(new DiscordGuildEvent(Guild, DiscordGuildChange.Removed), default);
        Assert.Equal(_h.Time.GetUtcNow().AddDays(30), retention.Pending[Guild]);
        await retention.OnGuildAsync(new DiscordGuildEvent(Guild, DiscordGuildChange.Available), default);
        _h.Time.Advance(TimeSpan.FromDays(31));

        Assert.Equal(0, await retention.PurgeDueAsync(default));
        Assert.Equal(["GuildPurgeScheduled", "GuildPurgeCancelled"], await LogTypesAsync(BotHarness.Guild));
        Assert.Empty(retention.Pending);
        Assert.Equal("`gate` is purgeme-7788", await _h.SayAsync(".remember gate", user: "alice"));
    }

    [Fact]
    public async Task An_outage_schedules_nothing()
    {
        var retention = NewRetention();
        await retention.LoadAsync(default);

        await retention.OnGuildAsync(new DiscordGuildEvent(Guild, DiscordGuildChange.Unavailable), default);
        await retention.OnGuildAsync(new DiscordGuildEvent(Guild, DiscordGuildChange.Available), default);

        Assert.Empty(retention.Pending);
        Assert.Empty(await LogTypesAsync(BotHarness.Guild));
    }

    [Fact]
    public async Task A_due_schedule_purges_that_server_in_the_hosted_loop_and_other_servers_stay_intact()
    {
        await SeedAsync();
        var retention = NewRetention();
        await retention.StartAsync(default);
        await retention.Loaded.WaitAsync(TimeSpan.FromSeconds(60));
        await retention.OnGuildAsync(new DiscordGuildEvent(Guild, DiscordGuildChange.Removed), default);

        _h.Time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await retention.PurgeDueAsync(default)); // not due yet
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await LogTypesAsync(BotHarness.Guild)).Contains("GuildPurged"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the hourly check never purged the due server");
            _h.Time.Advance(TimeSpan.FromHours(1));
            await Task.Delay(50);
        }
        await retention.StopAsync(default);

        Assert.Equal(["GuildPurgeScheduled", "GuildPurged"], await LogTypesAsync(BotHarness.Guild));
        Assert.Empty(retention.Pending);
        _h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain("purgeme-7788", await _h.SayAsync(".remember gate", user: "alice") ?? "");
        Assert.Equal("`gate` is keepme-1234", await _h.SayAsync(".remember gate", user: "alice", guild: Other));
        Assert.Empty(await LogTypesAsync(Other));
    }

    [Fact]
    public async Task After_a_restart_the_schedule_is_found_and_a_guild_create_before_that_still_cancels_it()
    {
        var first = NewRetention();
        await first.LoadAsync(default);
        await first.OnRemovedAsync(Guild, default);

        var restarted = NewRetention();
        await restarted.OnAvailableAsync(Guild, default); // at connect, before the schedules are known
        Assert.Equal(["GuildPurgeScheduled"], await LogTypesAsync(BotHarness.Guild));
        await IndexedAsync(BotHarness.Guild, 1);
        Assert.Single(await GuildRetention.FindPendingAsync(Index, default));
        await restarted.LoadAsync(default);

        Assert.Equal(["GuildPurgeScheduled", "GuildPurgeCancelled"], await LogTypesAsync(BotHarness.Guild));
        Assert.Empty(restarted.Pending);
        await IndexedAsync(BotHarness.Guild, 2);
        Assert.Empty(await GuildRetention.FindPendingAsync(Index, default));
    }

    [Fact]
    public async Task A_schedule_written_by_an_earlier_process_is_found_at_start_from_the_index_without_reading_every_event()
    {
        await SeedAsync();
        var first = NewRetention();
        await first.LoadAsync(default);
        await first.OnRemovedAsync(Guild, default);
        var due = first.Pending[Guild];
        await IndexedAsync(BotHarness.Guild, 1);

        // A new process whose store refuses to read every event (the bot's role on AWS has no Scan).
        var store = new NoScanStore(_h.Host.Services.GetRequiredService<IEventStore>());
        var restarted = NewRetention(store);
        await restarted.LoadAsync(default);

        Assert.Equal(due, Assert.Single(restarted.Pending, p => p.Key == Guild).Value);
        _h.Time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(1, await restarted.PurgeDueAsync(default));
        Assert.Equal(0, store.Scans);
        Assert.Equal(["GuildPurgeScheduled", "GuildPurged"], await LogTypesAsync(BotHarness.Guild));
        Assert.Equal("`gate` is keepme-1234", await _h.SayAsync(".remember gate", user: "alice", guild: Other));
    }

    [Fact]
    public async Task A_schedule_the_index_has_not_applied_yet_is_still_purged_by_the_process_that_wrote_it()
    {
        // An index that never hears of it: a views store of its own, empty (the projector is behind, or runs apart).
        var lagging = new SqliteViewStore(new EventBot.EventStore.Sqlite.SqliteDatabase(Path.Combine(_h.DataDir, "lagging-views.db")));
        var retention = NewRetention(index: new ReadModels(lagging, new Generations(lagging)));
        await retention.LoadAsync(default);
        await retention.OnRemovedAsync(Guild, default);

        _h.Time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(1, await retention.PurgeDueAsync(default));
        Assert.Equal(["GuildPurgeScheduled", "GuildPurged"], await LogTypesAsync(BotHarness.Guild));
    }

    [Fact]
    public async Task A_cancel_the_index_has_not_applied_yet_wins_over_its_stale_schedule()
    {
        var first = NewRetention();
        await first.LoadAsync(default);
        await first.OnRemovedAsync(Guild, default);
        // An index that applied the schedule and not the cancel written next (its projector is behind).
        var store = _h.Host.Services.GetRequiredService<IEventStore>();
        var lagging = new SqliteViewStore(new EventBot.EventStore.Sqlite.SqliteDatabase(Path.Combine(_h.DataDir, "lagging-views.db")));
        var generations = new Generations(lagging);
        var core = new ProjectorCore([new GuildPurges()], lagging, store, _h.Host.Services.GetRequiredService<EventCodec>(), generations,
            new ProjectionSignals(), _h.Host.Services.GetRequiredService<ILogger<ProjectorCore>>());
        Assert.Null((await core.ProjectAsync(await store.ReadStreamAsync(new StreamName(PrivacyStream.For(BotHarness.Guild)), 1, default), default)).FirstFailedIndex);
        await first.OnAvailableAsync(Guild, default);

        var restarted = NewRetention(index: new ReadModels(lagging, generations));
        await restarted.LoadAsync(default);
        Assert.Contains(Guild, restarted.Pending.Keys);
        _h.Time.Advance(TimeSpan.FromDays(31));

        Assert.Equal(0, await restarted.PurgeDueAsync(default));
        Assert.Empty(restarted.Pending);
        Assert.Equal(["GuildPurgeScheduled", "GuildPurgeCancelled"], await LogTypesAsync(BotHarness.Guild));
    }

    [Fact]
    public async Task Privacy_status_lists_the_pending_purge()
    {
        var retention = NewRetention();
        await retention.LoadAsync(default);
        await retention.OnRemovedAsync(Guild, default);
        await IndexedAsync(BotHarness.Guild, 1);

        var (exit, output, error) = await CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _h.DataDir }, "privacy", "status", "--json");

        Assert.True(exit == 0, error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var pending = Assert.Single(json.RootElement.GetProperty("pendingPurges").EnumerateArray().ToList());
        Assert.Equal(Guild, pending.GetProperty("guild").GetString());
        Assert.Equal(_h.Time.GetUtcNow().AddDays(30), pending.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public void The_decider_schedules_once_cancels_only_a_pending_purge_and_a_purge_ends_the_schedule()
    {
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var scheduled = Assert.IsType<PrivacyEvent.GuildPurgeScheduled>(GuildPurgeDecider.Removed(null, now, 30));
        Assert.Equal(now.AddDays(30), scheduled.DueAt);
        Assert.Null(GuildPurgeDecider.Removed(scheduled.DueAt, now, 30));
        Assert.Null(GuildPurgeDecider.Available(null, now));
        Assert.IsType<PrivacyEvent.GuildPurgeCancelled>(GuildPurgeDecider.Available(scheduled.DueAt, now));
        Assert.Null(GuildPurgeDecider.Pending([scheduled, new PrivacyEvent.GuildPurged(3, "removed")]));
        Assert.Null(GuildPurgeDecider.Pending([scheduled, new PrivacyEvent.GuildPurgeCancelled(now)]));
        Assert.False(GuildPurgeDecider.IsDue(scheduled.DueAt, now.AddDays(30).AddTicks(-1)));
        Assert.True(GuildPurgeDecider.IsDue(scheduled.DueAt, now.AddDays(30)));
    }
}
