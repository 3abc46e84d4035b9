using System.Collections.Concurrent;
using EventBot.Bot.Hosting;
using EventBot.Discord;
using EventBot.Domain.Privacy;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Privacy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Features.Privacy;

/// <summary>
/// Runs the retention in the bot process: the Discord adapter hands it GUILD_DELETE (removed) and GUILD_CREATE; at
/// start it lists the pending schedules from the <see cref="GuildPurges"/> read model (one Query, never a pass over
/// the events), then every <see cref="CheckInterval"/> it lists them again and purges those that are due with the same
/// purge as <c>privacy purge-guild</c> (reason <c>removed</c>). Before purging it reads the server's log again, so a
/// cancel written by another process (or not yet projected) wins. A schedule this process wrote is known at once,
/// before the projector has applied it.
/// </summary>
public sealed partial class GuildRetention(
    IEventStore store,
    EventCodec codec,
    Erasure erasure,
    ReadModels readModels,
    IOptions<BotOptions> options,
    TimeProvider time,
    ILogger<GuildRetention> logger) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<string> _availableBeforeLoad = [];
    private bool _isLoaded;

    /// <summary>Pending purges this process knows of (server id → due), for tests and the log.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Pending => _pending;

    /// <summary>Completes once the pending schedules were found at start.</summary>
    public Task Loaded => _loaded.Task;

    /// <summary>The gateway's guild handler: an outage (GUILD_DELETE with <c>unavailable</c>) changes nothing.</summary>
    public Task OnGuildAsync(DiscordGuildEvent guild, CancellationToken ct) => guild.Change switch
    {
        DiscordGuildChange.Removed => OnRemovedAsync(guild.GuildId, ct),
        DiscordGuildChange.Available => OnAvailableAsync(guild.GuildId, ct),
        _ => Task.CompletedTask,
    };

    public async Task OnRemovedAsync(string guildId, CancellationToken ct)
    {
        var written = await DecideAsync(guildId, "GUILD_DELETE", pending => GuildPurgeDecider.Removed(pending, time.GetUtcNow(), options.Value.GuildRetentionDays), ct);
        if (written is PrivacyEvent.GuildPurgeScheduled scheduled)
        {
            _pending[guildId] = scheduled.DueAt;
            Log.Scheduled(logger, guildId, scheduled.DueAt);
        }
    }

    public async Task OnAvailableAsync(string guildId, CancellationToken ct)
    {
        lock (_gate)
        {
            // The schedules are still being found: decided once they are known (see LoadAsync).
            if (!_isLoaded)
            {
                _availableBeforeLoad.Add(guildId);
                return;
            }
        }
        // GUILD_CREATE comes for every server at every connect: only one with a known schedule reads its log.
        if (!_pending.ContainsKey(guildId)) return;
        if (await DecideAsync(guildId, "GUILD_CREATE", pending => GuildPurgeDecider.Available(pending, time.GetUtcNow()), ct) is PrivacyEvent.GuildPurgeCancelled)
            Log.Cancelled(logger, guildId);
        _pending.TryRemove(guildId, out _);
    }

    /// <summary>Finds every pending schedule in the index (at start).</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        var found = await TryFindPendingAsync(ct);
        List<string> early;
        lock (_gate)
        {
            Merge(found);
            _isLoaded = true;
            early = [.. _availableBeforeLoad.Distinct(StringComparer.Ordinal)];
            _availableBeforeLoad.Clear();
        }
        if (!_pending.IsEmpty) Log.Loaded(logger, _pending.Count);
        foreach (var guild in early)
            await OnAvailableAsync(guild, ct);
        _loaded.TrySetResult();
    }

    private async Task<IReadOnlyList<(string Guild, DateTimeOffset Due)>> TryFindPendingAsync(CancellationToken ct)
    {
        try
        {
            return await FindPendingAsync(readModels, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unreachable or denied views: what this process schedules itself is still handled, and the next check
            // lists the index again.
            Log.LoadFailed(logger, ex);
            return [];
        }
    }

    // The index may lag the log (the projector runs apart) and this process may know a schedule the index has not
    // applied yet: keep both, the sooner due time first. The log, read again before purging, decides.
    private void Merge(IEnumerable<(string Guild, DateTimeOffset Due)> found)
    {
        foreach (var (guild, due) in found)
            _pending.AddOrUpdate(guild, due, (_, known) => known < due ? known : due);
    }

    /// <summary>Purges every known schedule that is due; returns how many servers were purged.</summary>
    public async Task<int> PurgeDueAsync(CancellationToken ct)
    {
        // Schedules written by other processes (or by an earlier run whose events were projected after this start).
        Merge(await TryFindPendingAsync(ct));
        var purged = 0;
        var now = time.GetUtcNow();
        foreach (var (guild, due) in _pending)
        {
            if (due > now) continue;
            var pending = GuildPurgeDecider.Pending(await ReadLogAsync(guild, ct));
            if (GuildPurgeDecider.IsDue(pending, now))
            {
                await erasure.PurgeGuildAsync(guild, "removed", new ErasureActor("retention", "retention", "retention"), ct);
                purged++;
            }
            if (pending is { } later && later > now) _pending[guild] = later;
            else _pending.TryRemove(guild, out _);
        }
        return purged;
    }

    /// <summary>
    /// Every server with a pending purge and when it is due, soonest first (<c>privacy status</c>, the start of the bot
    /// and its hourly check): one Query of the <see cref="GuildPurges"/> index, as current as its projector.
    /// </summary>
    public static async Task<IReadOnlyList<(string Guild, DateTimeOffset Due)>> FindPendingAsync(ReadModels readModels, CancellationToken ct) =>
        [.. GuildPurges.PendingOf(await readModels.QueryAsync(GuildPurges.ProjectionName, GuildPurges.Partition, ct)).Select(p => (p.Guild, p.DueAt!.Value))];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await LoadAsync(stoppingToken);
            while (true)
            {
                try
                {
                    var purged = await PurgeDueAsync(stoppingToken);
                    if (purged > 0) Log.PurgedDue(logger, purged);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Retried at the next check: a schedule stays pending until its purge is recorded.
                    Log.CheckFailed(logger, ex);
                }
                await Task.Delay(CheckInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _loaded.TrySetResult();
        }
    }

    private static StreamName LogStream(string guildId) => new($"{PrivacyStream.Category}/{guildId}/log");

    private async Task<List<PrivacyEvent>> ReadLogAsync(string guildId, CancellationToken ct) =>
        [.. (await store.ReadStreamAsync(LogStream(guildId), 1, ct)).Where(e => codec.IsKnown(e.Type)).Select(codec.Decode).OfType<PrivacyEvent>()];

    private async Task<PrivacyEvent?> DecideAsync(string guildId, string cause, Func<DateTimeOffset?, PrivacyEvent?> decide, CancellationToken ct)
    {
        var stream = LogStream(guildId);
        var context = new AppendContext(guildId, "discord", "Discord", $"gateway:{cause}:{guildId}");
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var events = await store.ReadStreamAsync(stream, 1, ct);
            var log = events.Where(e => codec.IsKnown(e.Type)).Select(codec.Decode).OfType<PrivacyEvent>();
            if (decide(GuildPurgeDecider.Pending(log)) is not { } decided) return null;
            if (await store.AppendAsync(stream, events.Count, [codec.Encode(decided)], context, ct) is not AppendResult.WrongExpectedVersion) return decided;
        }
        throw new InvalidOperationException($"{stream} kept changing; try again.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1710, Level = LogLevel.Warning, Message = "The bot was removed from server {Guild}: its data is purged at {DueAt:u} unless the bot is added back")]
        public static partial void Scheduled(ILogger logger, string guild, DateTimeOffset dueAt);

        [LoggerMessage(EventId = 1711, Level = LogLevel.Information, Message = "The bot is back in server {Guild}: its pending purge is cancelled")]
        public static partial void Cancelled(ILogger logger, string guild);

        [LoggerMessage(EventId = 1712, Level = LogLevel.Information, Message = "{Count} server purge(s) pending after the bot was removed")]
        public static partial void Loaded(ILogger logger, int count);

        [LoggerMessage(EventId = 1713, Level = LogLevel.Warning, Message = "{Count} server(s) purged: their retention after the bot was removed ran out")]
        public static partial void PurgedDue(ILogger logger, int count);

        [LoggerMessage(EventId = 1715, Level = LogLevel.Warning, Message = "Could not list the pending server purges (the guild-purges read model); removals this process sees are still handled, and the next check lists them again")]
        public static partial void LoadFailed(ILogger logger, Exception ex);

        [LoggerMessage(EventId = 1714, Level = LogLevel.Error, Message = "The check for due server purges failed; retried at the next check")]
        public static partial void CheckFailed(ILogger logger, Exception exception);
    }
}
