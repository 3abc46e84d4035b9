using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EventBot.EventStore;
using EventBot.Projections.DeadLetters;
using EventBot.Projections.Replay;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Core;

/// <summary>Where a rebuild is: the phase, events done and the expected total (exact on SQLite, an estimate on DynamoDB).</summary>
public sealed record RebuildProgress(string Phase, long Done, long Total, bool TotalIsExact);

public sealed record GenerationFlip(string Projection, long Old, long Next);

/// <param name="Events">Events replayed in all, including those done before a resume.</param>
/// <param name="DoneBefore">Events an interrupted earlier run had already replayed (0 unless resumed).</param>
/// <param name="Settled">Of <paramref name="Elapsed"/>, the time spent waiting after the flip for other processes to see
/// it (<see cref="Rebuilder.FlipSettle"/>): a fixed wait, not work, whatever the size of the history.</param>
public sealed record RebuildResult(long Events, TimeSpan Elapsed, bool Resumed, IReadOnlyList<GenerationFlip> Flips, IReadOnlyList<RowDifference> Drift,
    long DoneBefore = 0, TimeSpan Settled = default)
{
    /// <summary>The rate of this run: events it replayed itself over its own elapsed time.</summary>
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? (Events - DoneBefore) / Elapsed.TotalSeconds : Events - DoneBefore;
}

/// <summary>
/// Rebuilds projections from the event store into the next generation while the bot keeps serving the current
/// one, then flips the active pointer and deletes the old generation.
/// <list type="number">
/// <item>Main pass: every event, through a write-behind buffer that keeps the rows it builds (bounded) and writes
/// each changed row once per flush (every <see cref="BatchSize"/> events). On a store with a global position
/// (SQLite) progress is saved at every flush, so an interrupted rebuild resumes there; on DynamoDB, per Scan segment.</item>
/// <item>Catch-up: events appended while the main pass ran. SQLite reads on from the last position; DynamoDB takes
/// them from the table's stream, followed from before the main pass began (<see cref="CatchUpFeed"/>).</item>
/// <item>Flip, then wait until every process's cached pointer has expired (2 × <see cref="Generations.Ttl"/>),
/// then catch up once more: events appended since the start that the rows do not have yet (SQLite: after the last
/// position read; DynamoDB: from the stream; without a stream, for a resumed rebuild, or when the stream could not
/// keep up: recorded since the start less a clock-skew allowance, by a Scan filtered on the server). The rows built
/// stay cached, so events already applied cost no I/O; writes now go straight to the store with a revision check,
/// because the live feeds write the new generation too.
/// Re-applying is harmless: the per-row version rule skips what a row already has.</item>
/// <item>Delete the old generation, the saved progress and the marker of the generation written
/// (<see cref="BuildingName"/>).</item>
/// </list>
/// </summary>
public sealed partial class Rebuilder(
    IEventReader store,
    IViewStore views,
    EventCodec codec,
    Generations generations,
    ProjectionSignals signals,
    ILoggerFactory loggers)
{
    /// <summary>Clock skew allowed between writers when catching up by recorded-at (DynamoDB).</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Events between two flushes of the write-behind buffer; progress is saved at each flush, so this is also how
    /// much an interrupted rebuild repeats. Rows stay cached across flushes, so a larger value mostly saves writes.
    /// </summary>
    public int BatchSize { get; init; } = 200_000;

    /// <summary>Events read per page (SQLite reads the next page while the current one is applied).</summary>
    public int PageSize { get; init; } = 4_096;

    /// <summary>How long to wait after a flip for other processes to see it. Default 2 × the pointer TTL.</summary>
    public TimeSpan? FlipSettle { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public DeadLetterStore? DeadLetters { get; init; }

    public DeadLetterPolicy DeadLetterPolicy { get; init; } = DeadLetterPolicy.Standard;

    /// <summary>
    /// A change feed to catch up from, for a store without positions (DynamoDB: the table's stream). Without one, or
    /// when it gives up, or for a resumed rebuild (whose start the feed cannot go back to), the catch-up scans.
    /// </summary>
    public IRebuildCatchUpFeed? CatchUpFeed { get; init; }

    /// <summary>Test hook: called after each main-pass batch is flushed and saved (to interrupt a rebuild halfway).</summary>
    public Action<long>? AfterBatch { get; init; }

    /// <summary>
    /// Named value per projection: the generation a rebuild writes, set before its first row and emptied once that
    /// generation is live and the old one deleted, so that a later rebuild clears only a crashed attempt's rows.
    /// </summary>
    public static string BuildingName(string projection) => "rebuild-target/" + projection;

    public static string ProgressName(IEnumerable<IProjection> projections) =>
        "rebuild/" + string.Join(',', projections.Select(p => p.Name).Order(StringComparer.Ordinal));

    /// <summary>A full rebuild of <paramref name="projections"/>: resumes a saved one of the same set, else starts the next generation.</summary>
    public async Task<RebuildResult> RunAsync(IReadOnlyList<IProjection> projections, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        progress = Telemetry.ProjectionsTelemetry.Track(progress);
        var logger = loggers.CreateLogger<Rebuilder>();
        var clock = Stopwatch.StartNew();
        var stateName = ProgressName(projections);
        var saved = await views.GetValueAsync(stateName, ct) is { Length: > 0 } json ? JsonSerializer.Deserialize<RebuildState>(json, EventCodec.Json) : null;
        var resumed = saved is not null;
        // The feed is followed from before the main pass reads anything, so every event that pass may miss is on it
        // (set up while the generations are prepared).
        await using var appended = new Appended(resumed ? null : FollowAsync(ct));
        var state = saved ?? await StartAsync(projections, ct);
        var doneBefore = state.Done;
        if (!resumed) await views.SetValueAsync(stateName, JsonSerializer.Serialize(state, EventCodec.Json), ct);
        else Log.Resuming(logger, stateName, state.Cursor, state.Done);

        var total = await EstimateAsync(ct);
        // A crash after the flip: the new generation is live and fed by the feeds, so no buffered pass into it;
        // the catch-up after the flip below finishes the job.
        var flippedBefore = false;
        foreach (var p in projections) flippedBefore |= await generations.ActiveAsync(p.Name, ct) == state.Targets[p.Name].Next;
        // The rows built stay cached through the catch-ups, which then touch the store only for rows that change.
        var workers = new Workers(this, projections, state, targetEmpty: !resumed && !flippedBefore);
        var following = await appended.FollowingAsync();
        if (!flippedBefore)
        {
            state = await MainPassAsync(workers, state, total, progress,
                s => views.SetValueAsync(stateName, JsonSerializer.Serialize(s, EventCodec.Json), ct), ct);
            // With positions or a feed the catch-up before the flip is cheap and leaves the one after it little to do;
            // a Scan would read the whole table twice, so then only the one after the flip runs.
            if (store is IPositionedEventReader || following) state = await CatchUpAsync(workers, state, total, progress, appended, ct);
        }
        // From the flip on the live feeds write the new generation too: every write checks the row's revision.
        workers.WriteThrough();

        var flips = new List<GenerationFlip>();
        foreach (var p in projections)
        {
            var (old, next) = state.Targets[p.Name];
            await generations.FlipAsync(p.Name, next, ct);
            flips.Add(new GenerationFlip(p.Name, old, next));
        }
        progress?.Report(new RebuildProgress("settling after the flip", state.Done, Math.Max(state.Done, total.Count), total.Exact));
        var settle = FlipSettle ?? (generations.Ttl * 2);
        var settling = Stopwatch.GetTimestamp();
        if (settle > TimeSpan.Zero) await Task.Delay(settle, Time, ct);
        var settled = Stopwatch.GetElapsedTime(settling);
        state = await CatchUpAsync(workers, state, total, progress, appended, ct);

        var removed = await views.DeletePartitionsAsync([.. flips.Select(f => Generations.GenerationPrefix(f.Projection, f.Old))], ct);
        for (var i = 0; i < flips.Count; i++) Log.Flipped(logger, flips[i].Projection, flips[i].Old, flips[i].Next, removed[i]);
        // Named values cannot be deleted; empty means no rebuild in progress, and no generation being written.
        foreach (var flip in flips) await views.SetValueAsync(BuildingName(flip.Projection), "", ct);
        await views.SetValueAsync(stateName, "", ct);
        signals.Notify();
        return new RebuildResult(state.Done, clock.Elapsed, resumed, flips, [], doneBefore, settled);
    }

    /// <summary>
    /// Drift detection: rebuilds into the scratch generation (0, never active), compares it row by row with the
    /// active generation, then deletes it. Not resumable: it is a check, run it again.
    /// </summary>
    public async Task<RebuildResult> VerifyAsync(IReadOnlyList<IProjection> projections, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var targets = new Dictionary<string, GenerationPair>(StringComparer.Ordinal);
        foreach (var p in projections) targets[p.Name] = new GenerationPair(await generations.ActiveAsync(p.Name, ct), Generations.Scratch);
        string[] scratch = [.. projections.Select(p => Generations.GenerationPrefix(p.Name, Generations.Scratch))];
        await using var appended = new Appended(FollowAsync(ct));
        await views.DeletePartitionsAsync(scratch, ct);
        await appended.FollowingAsync();
        var state = new RebuildState(targets, Time.GetUtcNow(), await LastPositionAsync(ct), 0, 0);
        var total = await EstimateAsync(ct);
        try
        {
            var workers = new Workers(this, projections, state, targetEmpty: true);
            state = await MainPassAsync(workers, state, total, progress, _ => Task.CompletedTask, ct);
            state = await CatchUpAsync(workers, state, total, progress, appended, ct);
            var done = state.Done;
            progress?.Report(new RebuildProgress("comparing", done, Math.Max(done, total.Count), total.Exact));
            var drift = new List<RowDifference>();
            foreach (var p in projections)
                drift.AddRange(await GenerationDiff.CompareAsync(views, p.Name, targets[p.Name].Old, Generations.Scratch, ct));
            return new RebuildResult(done, clock.Elapsed, false, [], drift);
        }
        finally
        {
            await views.DeletePartitionsAsync(scratch, CancellationToken.None);
        }
    }

    private async Task<RebuildState> StartAsync(IReadOnlyList<IProjection> projections, CancellationToken ct)
    {
        var targets = new Dictionary<string, GenerationPair>(StringComparer.Ordinal);
        var leftovers = new List<string>();
        foreach (var p in projections)
        {
            var active = await generations.ActiveAsync(p.Name, ct);
            targets[p.Name] = new GenerationPair(active, active + 1);
            // A crashed earlier attempt (of this or another scope) may have left rows in the generation it was writing,
            // which its marker names; the live generation is never cleared. No marker at all: a store from before
            // markers, so the next generation is cleared as it always was.
            var marked = await views.GetValueAsync(BuildingName(p.Name), ct);
            if (marked is null) leftovers.Add(Generations.GenerationPrefix(p.Name, active + 1));
            else if (long.TryParse(marked, NumberStyles.None, CultureInfo.InvariantCulture, out var building) && building != active)
                leftovers.Add(Generations.GenerationPrefix(p.Name, building));
        }
        // On DynamoDB clearing is a Scan of the views table, so it runs only when something may need clearing.
        if (leftovers.Count > 0) await views.DeletePartitionsAsync(leftovers, ct);
        foreach (var (name, pair) in targets) await views.SetValueAsync(BuildingName(name), pair.Next.ToString(CultureInfo.InvariantCulture), ct);
        return new RebuildState(targets, Time.GetUtcNow(), await LastPositionAsync(ct), 0, 0);
    }

    private async Task<RebuildState> MainPassAsync(Workers workers, RebuildState state, EventCountEstimate total,
        IProgress<RebuildProgress>? progress, Func<RebuildState, Task> save, CancellationToken ct)
    {
        var done = state.Done;
        if (store is IPositionedEventReader positioned)
        {
            var cursor = state.Cursor;
            var pageSize = Math.Min(PageSize, BatchSize);
            var sinceFlush = 0;
            // Read and decode ahead on another thread (SQLite's async reads run synchronously): the next page comes
            // off the file while this one is applied.
            Task<(IReadOnlyList<EventEnvelope> Page, object?[] Decoded)> ReadAhead(long after) => Task.Run(async () =>
            {
                var page = await positioned.ReadAfterPositionAsync(after, pageSize, ct);
                return (page, Decode(page));
            }, ct);
            var next = ReadAhead(cursor);
            while (true)
            {
                var (page, decoded) = await next;
                if (page.Count == pageSize) next = ReadAhead(page[^1].Position);
                if (page.Count > 0)
                {
                    await workers.ApplyAsync(page, ct, decoded);
                    cursor = page[^1].Position;
                    done += page.Count;
                    sinceFlush += page.Count;
                }
                if (sinceFlush > 0 && (sinceFlush >= BatchSize || page.Count < pageSize))
                {
                    await workers.FlushAsync(ct);
                    sinceFlush = 0;
                    await save(state with { Cursor = cursor, Done = done });
                    AfterBatch?.Invoke(done);
                }
                if (page.Count > 0) progress?.Report(new RebuildProgress("rebuilding", done, Math.Max(done, total.Count), total.Exact));
                if (page.Count < pageSize) break;
            }
            return state with { Cursor = cursor, Done = done };
        }

        if (store is ISegmentedEventReader segmented) return await SegmentedPassAsync(segmented, workers, state, total, progress, save, ct);

        // Neither a position nor segments: a resumed rebuild keeps what earlier attempts wrote and reads everything
        // again; rows that already have an event skip it by the version rule, so only the reads repeat.
        done = 0;
        var batch = new List<EventEnvelope>(PageSize);
        var unflushed = 0;
        await foreach (var e in store.ReadAllAsync(ct))
        {
            batch.Add(e);
            if (batch.Count < PageSize) continue;
            await workers.ApplyAsync(batch, ct);
            done += batch.Count;
            unflushed += batch.Count;
            batch.Clear();
            progress?.Report(new RebuildProgress("rebuilding", done, Math.Max(done, total.Count), total.Exact));
            if (unflushed < BatchSize) continue;
            await workers.FlushAsync(ct);
            unflushed = 0;
            await save(state with { Done = done });
            AfterBatch?.Invoke(done);
        }
        await workers.ApplyAsync(batch, ct);
        await workers.FlushAsync(ct);
        done += batch.Count;
        progress?.Report(new RebuildProgress("rebuilding", done, Math.Max(done, total.Count), total.Exact));
        return state with { Done = done };
    }

    public const string SegmentDone = "#done";

    /// <summary>
    /// DynamoDB: every segment is scanned page by page in parallel into a small bounded channel; one consumer applies
    /// whole pages, flushes, and then saves each segment's cursor after its last written page. A page is written
    /// before its cursor is saved, so a resume never skips events (it may re-apply a page: harmless).
    /// </summary>
    private async Task<RebuildState> SegmentedPassAsync(ISegmentedEventReader segmented, Workers workers,
        RebuildState state, EventCountEstimate total, IProgress<RebuildProgress>? progress, Func<RebuildState, Task> save, CancellationToken ct)
    {
        var cursors = new Dictionary<int, string>(state.Segments ?? []);
        var channel = System.Threading.Channels.Channel.CreateBounded<(int Segment, SegmentPage Page, object?[] Decoded)>(
            new System.Threading.Channels.BoundedChannelOptions(Math.Max(4, segmented.Segments)) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producers = Task.WhenAll(Enumerable.Range(0, segmented.Segments)
            .Where(s => !cursors.TryGetValue(s, out var c) || c != SegmentDone)
            .Select(segment => Task.Run(async () =>
            {
                var cursor = cursors.GetValueOrDefault(segment);
                do
                {
                    var page = await segmented.ReadSegmentPageAsync(segment, cursor, stop.Token);
                    await channel.Writer.WriteAsync((segment, page, Decode(page.Events)), stop.Token);
                    cursor = page.Next;
                }
                while (cursor is not null);
            }, stop.Token)))
            .ContinueWith(t => channel.Writer.TryComplete(t.Exception?.GetBaseException()), TaskScheduler.Default);

        var done = state.Done;
        var pending = new List<(int Segment, string? Next)>();
        var sinceFlush = 0;
        async Task FlushAsync()
        {
            await workers.FlushAsync(ct);
            foreach (var (segment, next) in pending) cursors[segment] = next ?? SegmentDone;
            await save(state with { Done = done, Segments = new Dictionary<int, string>(cursors) });
            if (sinceFlush > 0) AfterBatch?.Invoke(done);
            pending.Clear();
            sinceFlush = 0;
        }
        try
        {
            // Pages are applied as they arrive (a segment's pages in order, so each stream stays in version order);
            // the buffer is flushed and the cursors saved every BatchSize events.
            await foreach (var (segment, page, decoded) in channel.Reader.ReadAllAsync(ct))
            {
                await workers.ApplyAsync(page.Events, ct, decoded);
                pending.Add((segment, page.Next));
                done += page.Events.Count;
                sinceFlush += page.Events.Count;
                progress?.Report(new RebuildProgress("rebuilding", done, Math.Max(done, total.Count), total.Exact));
                if (sinceFlush >= BatchSize) await FlushAsync();
            }
            await FlushAsync();
        }
        finally
        {
            await stop.CancelAsync();
            await producers;
        }
        return state with { Done = done, Segments = cursors };
    }

    /// <summary>
    /// Applies events appended since the rebuild began, through the workers' cached rows (so events the main pass
    /// already applied cost no I/O). Before the flip the buffers are flushed at the end; after it they write through.
    /// </summary>
    private async Task<RebuildState> CatchUpAsync(Workers workers, RebuildState state, EventCountEstimate total,
        IProgress<RebuildProgress>? progress, Appended appended, CancellationToken ct)
    {
        long added = 0;
        if (store is IPositionedEventReader positioned)
        {
            // Everything after the last position the main pass (or an earlier catch-up) read.
            var cursor = state.Cursor;
            while (true)
            {
                var page = await positioned.ReadAfterPositionAsync(cursor, PageSize, ct);
                if (page.Count == 0) break;
                await workers.ApplyAsync(page, ct);
                cursor = page[^1].Position;
                added += page.Count;
            }
            state = state with { Cursor = cursor };
        }
        else if (await appended.ReadNewAsync(ct) is { } followed)
        {
            // From the feed: what was appended since the rebuild began (or since the last catch-up), in stream order.
            foreach (var page in followed.Chunk(PageSize)) await workers.ApplyAsync(page, ct);
        }
        else
        {
            // No global order: events recorded since the start (less the allowed clock skew); the version rule skips
            // what the main pass already applied. DynamoDB filters on the server instead of returning every event.
            var since = state.StartedAt - Skew;
            var recent = store is IRecentEventReader reader ? reader.ReadRecordedSinceAsync(since, ct) : store.ReadAllAsync(ct);
            var batch = new List<EventEnvelope>(PageSize);
            await foreach (var e in recent)
            {
                if (e.RecordedAt < since) continue;
                batch.Add(e);
                if (batch.Count < PageSize) continue;
                await workers.ApplyAsync(batch, ct);
                batch.Clear();
            }
            await workers.ApplyAsync(batch, ct);
        }
        await workers.FlushAsync(ct);
        if (added > 0) progress?.Report(new RebuildProgress("catching up", state.Done + added, Math.Max(state.Done + added, total.Count), total.Exact));
        return state with { Done = state.Done + added };
    }

    private List<ProjectorCore> Cores(IReadOnlyList<IProjection> projections, RebuildState state, IViewStore target) =>
        [.. projections.GroupBy(p => state.Targets[p.Name].Next).Select(g => Core([.. g], g.Key, target))];

    private IViewStore Views => views;

    private ProjectorCore Core(IReadOnlyList<IProjection> projections, long generation, IViewStore target) =>
        new(projections, target, store, codec, generations, signals, loggers.CreateLogger<ProjectorCore>())
        {
            TargetGeneration = generation,
            DeadLetters = DeadLetters,
            DeadLetterPolicy = DeadLetterPolicy,
        };

    /// <summary>Decodes a page ahead of the cores (null where it fails: the core then decodes it itself and reports why).</summary>
    private object?[] Decode(IReadOnlyList<EventEnvelope> page)
    {
        var decoded = new object?[page.Count];
        for (var i = 0; i < page.Count; i++)
        {
            if (!codec.IsKnown(page[i].Type)) continue;
            try
            {
                decoded[i] = codec.Decode(page[i]);
            }
            catch (EventDecodeException)
            {
                // left null: the core meets the same error and handles it by the dead-letter policy
            }
        }
        return decoded;
    }

    /// <summary>
    /// The main pass's cores and the write-behind buffer they share (cores in turn: on SQLite the reader thread
    /// already keeps the other processor core busy, and one core per group of projections on its own thread measured
    /// 6-8 % slower on this 2-core machine, each core paying the per-event overhead).
    /// </summary>
    private sealed class Workers
    {
        private readonly Rebuilder _rebuilder;
        private readonly WriteBehindViewStore _buffer;
        private readonly List<ProjectorCore> _cores;

        public Workers(Rebuilder rebuilder, IReadOnlyList<IProjection> projections, RebuildState state, bool targetEmpty)
        {
            _rebuilder = rebuilder;
            _buffer = new WriteBehindViewStore(rebuilder.Views) { TargetIsEmpty = targetEmpty };
            _cores = rebuilder.Cores(projections, state, _buffer);
        }

        /// <param name="decoded">The page already decoded (the SQLite reader thread, the Scan producers); null: decoded here.</param>
        public async Task ApplyAsync(IReadOnlyList<EventEnvelope> page, CancellationToken ct, object?[]? decoded = null)
        {
            if (page.Count == 0) return;
            decoded ??= _rebuilder.Decode(page);
            foreach (var core in _cores) await _rebuilder.ApplyAsync(core, page, decoded, ct);
        }

        public Task FlushAsync(CancellationToken ct) => _buffer.FlushAsync(ct);

        /// <summary>After the flip: others write the generation too, so every write goes straight to the store, checked.</summary>
        public void WriteThrough() => _buffer.WriteThrough = true;
    }

    /// <summary>Applies a batch to a core; a record that fails is retried until the dead-letter policy skips it, or the rebuild stops.</summary>
    private async Task ApplyAsync(ProjectorCore core, IReadOnlyList<EventEnvelope> batch, object?[]? decoded, CancellationToken ct)
    {
        var from = 0;
        for (var attempt = 1; from < batch.Count; attempt++)
        {
            var rest = from == 0 ? batch : batch.Skip(from).ToList();
            var result = await core.ProjectAsync(rest, ct, decoded is null ? null : from == 0 ? decoded : decoded[from..]);
            if (result.FirstFailedIndex is not { } failed) break;
            var at = rest[failed];
            if (DeadLetters is null || attempt > DeadLetterPolicy.MaxAttempts)
                throw new InvalidOperationException($"Rebuild stopped at {at.StreamId} v{at.Version} ({at.Type}): {result.Error?.GetBaseException().Message}", result.Error);
            from += failed;
        }
    }

    /// <summary>Starts following the catch-up feed, where the store has no positions and a feed is configured.</summary>
    private async Task<IRebuildCatchUp?> FollowAsync(CancellationToken ct) =>
        store is IPositionedEventReader || CatchUpFeed is null ? null : await CatchUpFeed.FollowAsync(ct);

    /// <summary>The feed a rebuild follows (once it is set up), until it gives up: then every later catch-up scans.</summary>
    private sealed class Appended(Task<IRebuildCatchUp?>? starting) : IAsyncDisposable
    {
        private Task<IRebuildCatchUp?>? _starting = starting;
        private IRebuildCatchUp? _feed;

        /// <summary>Waits until the feed is followed; false when there is none.</summary>
        public async Task<bool> FollowingAsync() => await FeedAsync() is not null;

        public async Task<IReadOnlyList<EventEnvelope>?> ReadNewAsync(CancellationToken ct)
        {
            if (await FeedAsync() is not { } feed) return null;
            if (await feed.ReadNewAsync(ct) is { } events) return events;
            await DisposeAsync();
            return null;
        }

        private async Task<IRebuildCatchUp?> FeedAsync()
        {
            if (_starting is { } starting)
            {
                _starting = null;
                _feed = await starting;
            }
            return _feed;
        }

        public async ValueTask DisposeAsync()
        {
            IRebuildCatchUp? feed;
            try
            {
                feed = await FeedAsync();
            }
            catch (OperationCanceledException)
            {
                return; // cancelled before it was set up: nothing runs
            }
            _feed = null;
            if (feed is not null) await feed.DisposeAsync();
        }
    }

    private async Task<EventCountEstimate> EstimateAsync(CancellationToken ct) =>
        store is IEventCountEstimator estimator ? await estimator.EstimateEventCountAsync(ct) : new EventCountEstimate(0, false, "unknown");

    private async Task<long> LastPositionAsync(CancellationToken ct) =>
        store is IPositionedEventReader positioned ? await positioned.LastPositionAsync(ct) : 0;

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Rebuilt {Projection}: generation {Old} → {Next}, {Removed} old rows removed")]
        public static partial void Flipped(ILogger logger, string projection, long old, long next, long removed);

        [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Resuming {Rebuild} after position {Cursor} ({Done} events done before)")]
        public static partial void Resuming(ILogger logger, string rebuild, long cursor, long done);
    }
}

public sealed record GenerationPair(long Old, long Next);

/// <summary>A rebuild's saved progress (a named value), so an interrupted rebuild resumes instead of starting over.</summary>
/// <param name="StartPosition">The store's last position when the rebuild began (SQLite).</param>
/// <param name="Cursor">The last position whose batch was written (SQLite); 0 on DynamoDB.</param>
/// <param name="Segments">Per Scan segment (DynamoDB): the cursor after the last page written, or <see cref="Rebuilder.SegmentDone"/>.</param>
public sealed record RebuildState(Dictionary<string, GenerationPair> Targets, DateTimeOffset StartedAt, long StartPosition, long Cursor, long Done,
    Dictionary<int, string>? Segments = null);
