using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EventBot.EventStore;
using EventBot.Projections.Core;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Replay;

/// <summary>
/// Rebuilds projections from the event store into the next generation while the bot keeps serving the current
/// one, then flips the active pointer and deletes the old generation. How history is read is the store's
/// (<see cref="IRebuildSource"/>: a positioned read, a segmented Scan, a stream catch-up); the phases are not:
/// <list type="number">
/// <item>Start: the next generation of each projection, cleared of what a crashed attempt left, and marked as being
/// written (<see cref="BuildingName"/>); or resume a saved rebuild of the same set.</item>
/// <item>Main pass: every event, through a write-behind buffer that keeps the rows it builds (bounded) and writes
/// each changed row once per flush (every <see cref="BatchSize"/> events), saving the source's resume point.</item>
/// <item>Catch-up: events appended while the main pass ran, where that is cheap (SQLite reads on from the last
/// position; DynamoDB reads the table's stream, followed from before the main pass began, <see cref="CatchUpFeed"/>).</item>
/// <item>Flip, then settle: wait until every process's cached pointer has expired (2 × <see cref="Generations.Ttl"/>),
/// then catch up once more. The rows built stay cached, so events already applied cost no I/O; writes now go
/// straight to the store with a revision check, because the live feeds write the new generation too. Re-applying is
/// harmless: the per-row version rule skips what a row already has.</item>
/// <item>Clean up: delete the old generation, the saved progress and the marker of the generation written.</item>
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

    /// <summary>
    /// Two generation slots per projection (1 and 2, 3 and 4, …) instead of a new generation each time: a rebuild
    /// overwrites the slot that is not live in place (read first in one Scan; a row it makes again as it was is not
    /// written, a row it does not make is deleted before the flip) and leaves the old slot as the next rebuild's target,
    /// instead of writing every row fresh and deleting the old generation after the flip: one write per changed row
    /// instead of two per row. Only with a view store that can read a slot at once (<see cref="IBatchViewStore"/>); the
    /// composition turns it on where the store prefers it (<see cref="IBatchViewStore.PrefersSlotReuse"/>: DynamoDB).
    /// </summary>
    public bool ReuseSlots { get; init; }

    /// <summary>
    /// Re-projects, in the generations this rebuild writes, what an erasure met during the rebuild erased
    /// (docs/privacy.md, "Erasing"): the main pass may have revealed the erased fields before the keys were destroyed (or
    /// with a key this process still cached), and the live projector leaves a generation being built to its rebuild.
    /// Erasures appended after the rebuild began are re-projected before the flip, and those met after it once the last
    /// catch-up is done; earlier ones had destroyed their keys before the rebuild read anything (and re-projecting them by
    /// stream name would undo what a rebuild after a legacy rewrite is for). Null where no privacy layer runs.
    /// </summary>
    public IErasureHandler? Erasures { get; init; }

    /// <summary>The other slot of <paramref name="generation"/>'s pair (1 ↔ 2, 3 ↔ 4; generation 0 is the scratch one).</summary>
    public static long Partner(long generation) => generation % 2 == 1 ? generation + 1 : generation - 1;

    /// <summary>Test hook: called after each main-pass batch is flushed and saved (to interrupt a rebuild halfway).</summary>
    public Action<long>? AfterBatch { get; init; }

    /// <summary>A Scan segment's saved cursor once the segment is read to its end.</summary>
    public const string SegmentDone = "#done";

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
        progress = new GaugedProgress(progress);
        var logger = loggers.CreateLogger<Rebuilder>();
        var clock = Stopwatch.StartNew();
        var phases = new List<(string Phase, TimeSpan Took)>();
        var phaseClock = Stopwatch.StartNew();
        void Phase(string name)
        {
            phases.Add((name, phaseClock.Elapsed));
            phaseClock.Restart();
        }
        var stateName = ProgressName(projections);
        Task Save(RebuildState s) => views.SetValueAsync(stateName, JsonSerializer.Serialize(s, EventCodec.Json), ct);
        var saved = await views.GetValueAsync(stateName, ct) is { Length: > 0 } json ? JsonSerializer.Deserialize<RebuildState>(json, EventCodec.Json) : null;
        var resumed = saved is not null;
        await using var source = RebuildSources.For(store, CatchUpFeed);
        // Followed from before the main pass reads anything (set up while the generations are prepared).
        if (!resumed) source.StartFollowing(ct);
        // The count estimate (a DescribeTable on DynamoDB) needs nothing from the start: read beside it. Observed even
        // when the start fails first (its own error is the one reported).
        var estimating = source.EstimateAsync(ct);
        _ = estimating.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

        // Start, or resume.
        var state = saved ?? await StartAsync(projections, source, ct);
        var doneBefore = state.Done;
        if (!resumed) await Save(state);
        else Log.Resuming(logger, stateName, state.Cursor, state.Done);
        var total = await estimating;
        // A crash after the flip: the new generation is live and fed by the feeds, so no buffered pass into it;
        // the catch-up after the flip below finishes the job.
        var flippedBefore = false;
        foreach (var p in projections) flippedBefore |= await generations.ActiveAsync(p.Name, ct) == state.Targets[p.Name].Next;
        // Overwriting a slot in place: which of its rows are stale is known only from reading it first, so a resumed
        // rebuild reads it again and starts the main pass over (rows the crashed attempt wrote right are not rewritten).
        var overwrite = state.ReusedSlot && !flippedBefore;
        if (resumed && overwrite)
        {
            state = state with { Cursor = 0, Done = 0, Segments = null };
            doneBefore = 0;
        }
        // The rows built stay cached through the catch-ups, which then touch the store only for rows that change.
        var workers = Workers(projections, state, targetEmpty: (!resumed && !flippedBefore) || overwrite);
        // The slot's rows are read beside the main pass (the buffer needs them only from its first flush on).
        if (overwrite)
        {
            var slotRead = ((IBatchViewStore)views).ReadPartitionsAsync(
                [.. projections.Select(p => Generations.GenerationPrefix(p.Name, state.Targets[p.Name].Next))], ct);
            // Observed even when the main pass fails first (its own error is the one reported).
            _ = slotRead.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            workers.OverwriteSlot(slotRead);
        }
        var pass = new RebuildPass(workers, PageSize, BatchSize, total, progress, Save, AfterBatch);
        var cheapCatchUp = await source.CatchUpIsCheapAsync();
        Phase("start");

        // Main pass, and a catch-up before the flip where it is cheap (it leaves the one after the flip little to do).
        if (!flippedBefore)
        {
            state = await source.MainPassAsync(pass, state, ct);
            Phase("main pass");
            if (cheapCatchUp)
            {
                workers.CatchingUp = true;
                state = await source.CatchUpAsync(pass, state, ct);
                Phase("catch-up");
            }
        }
        // A reused slot's rows that the history no longer makes go before anyone can read the slot.
        if (overwrite)
        {
            await workers.SweepAsync(ct);
            Phase("sweep");
        }
        // The target is all in the store now: bring it to the erased state of every erasure met, before anyone reads it.
        await ReprojectErasuresAsync(workers, projections, state, ct);
        // From the flip on the live feeds write the new generation too: every write checks the row's revision.
        workers.WriteThrough();

        // Flip.
        var flips = new List<GenerationFlip>();
        foreach (var p in projections)
        {
            var (old, next) = state.Targets[p.Name];
            await generations.FlipAsync(p.Name, next, ct);
            flips.Add(new GenerationFlip(p.Name, old, next));
        }
        Phase("flip");

        // Settle: every process sees the new generation, then what was appended meanwhile is applied.
        pass.Report("settling after the flip", state.Done);
        var settle = FlipSettle ?? (generations.Ttl * 2);
        var settling = Stopwatch.GetTimestamp();
        if (settle > TimeSpan.Zero) await Task.Delay(settle, Time, ct);
        var settled = Stopwatch.GetElapsedTime(settling);
        Phase("settle");
        workers.CatchingUp = true;
        state = await source.CatchUpAsync(pass, state, ct);
        await ReprojectErasuresAsync(workers, projections, state, ct);
        Phase("catch-up after the flip");

        // Clean up. Named values cannot be deleted; empty means no rebuild in progress, and no generation being written.
        // A reused slot's old generation stays: it is the next rebuild's target (no reader uses it once flipped away).
        var removed = state.ReusedSlot
            ? new long[flips.Count]
            : await views.DeletePartitionsAsync([.. flips.Select(f => Generations.GenerationPrefix(f.Projection, f.Old))], ct);
        for (var i = 0; i < flips.Count; i++) Log.Flipped(logger, flips[i].Projection, flips[i].Old, flips[i].Next, removed[i]);
        foreach (var flip in flips) await views.SetValueAsync(BuildingName(flip.Projection), "", ct);
        await views.SetValueAsync(stateName, "", ct);
        signals.Notify();
        Phase("clean-up");
        var writes = workers.Writes;
        return new RebuildResult(state.Done, clock.Elapsed, resumed, flips, [], doneBefore, settled)
        {
            Phases = phases,
            Rows = (writes.Written, writes.Unchanged, writes.Swept + removed.Sum()),
        };
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
        await using var source = RebuildSources.For(store, CatchUpFeed);
        source.StartFollowing(ct);
        await views.DeletePartitionsAsync(scratch, ct);
        await source.CatchUpIsCheapAsync();
        var state = new RebuildState(targets, Time.GetUtcNow(), await source.LastPositionAsync(ct), 0, 0);
        var total = await source.EstimateAsync(ct);
        try
        {
            var workers = Workers(projections, state, targetEmpty: true);
            var pass = new RebuildPass(workers, PageSize, BatchSize, total, progress, _ => Task.CompletedTask, AfterBatch);
            state = await source.MainPassAsync(pass, state, ct);
            state = await source.CatchUpAsync(pass, state, ct);
            pass.Report("comparing", state.Done);
            var drift = new List<RowDifference>();
            foreach (var p in projections)
                drift.AddRange(await GenerationDiff.CompareAsync(views, p.Name, targets[p.Name].Old, Generations.Scratch, ct));
            return new RebuildResult(state.Done, clock.Elapsed, false, [], drift);
        }
        finally
        {
            await views.DeletePartitionsAsync(scratch, CancellationToken.None);
        }
    }

    private async Task<RebuildState> StartAsync(IReadOnlyList<IProjection> projections, IRebuildSource source, CancellationToken ct)
    {
        var targets = new Dictionary<string, GenerationPair>(StringComparer.Ordinal);
        var leftovers = new List<string>();
        var reuse = ReuseSlots && views is IBatchViewStore;
        // Each projection's pointer and marker read at once, not one round trip after another (DynamoDB: 0.1-0.5 s).
        var reads = await Task.WhenAll(projections.Select(async p =>
            (Active: await generations.ActiveAsync(p.Name, ct), Marked: await views.GetValueAsync(BuildingName(p.Name), ct))));
        for (var i = 0; i < projections.Count; i++)
        {
            var p = projections[i];
            var (active, marked) = reads[i];
            var next = reuse ? Partner(active) : active + 1;
            targets[p.Name] = new GenerationPair(active, next);
            // A crashed earlier attempt (of this or another scope) may have left rows in the generation it was writing,
            // which its marker names; the live generation is never cleared. No marker at all: a store from before
            // markers, so the next generation is cleared as it always was. A reused slot is not cleared: it is read and
            // overwritten in place, whatever a crashed attempt left in it.
            if (marked is null)
            {
                if (!reuse || active + 1 != next) leftovers.Add(Generations.GenerationPrefix(p.Name, active + 1));
            }
            else if (long.TryParse(marked, NumberStyles.None, CultureInfo.InvariantCulture, out var building) && building != active && !(reuse && building == next))
                leftovers.Add(Generations.GenerationPrefix(p.Name, building));
        }
        // On DynamoDB clearing is a Scan of the views table, so it runs only when something may need clearing.
        if (leftovers.Count > 0) await views.DeletePartitionsAsync(leftovers, ct);
        await Task.WhenAll(targets.Select(t => views.SetValueAsync(BuildingName(t.Key), t.Value.Next.ToString(CultureInfo.InvariantCulture), ct)));
        return new RebuildState(targets, Time.GetUtcNow(), await source.LastPositionAsync(ct), 0, 0, ReusedSlot: reuse);
    }

    private RebuildWorkers Workers(IReadOnlyList<IProjection> projections, RebuildState state, bool targetEmpty) =>
        new(projections, state, targetEmpty, views, store, codec, generations, signals, loggers, DeadLetters, DeadLetterPolicy)
        {
            Erasures = Erasures,
            ErasuresAfter = (state.StartPosition, state.StartedAt),
        };

    /// <summary>Re-projects the erasures met so far in each target generation (writing the store directly: the buffer is flushed).</summary>
    private async Task ReprojectErasuresAsync(RebuildWorkers workers, IReadOnlyList<IProjection> projections, RebuildState state, CancellationToken ct)
    {
        if (Erasures is not { } erasures || workers.Met.Count == 0) return;
        EventEnvelope[] met = [.. workers.Met];
        workers.Met.Clear();
        foreach (var erasure in met)
            foreach (var target in projections.GroupBy(p => state.Targets[p.Name].Next))
                await erasures.ApplyToGenerationAsync(erasure, [.. target], target.Key, ct);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Rebuilt {Projection}: generation {Old} → {Next}, {Removed} old rows removed")]
        public static partial void Flipped(ILogger logger, string projection, long old, long next, long removed);

        [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Resuming {Rebuild} after position {Cursor} ({Done} events done before)")]
        public static partial void Resuming(ILogger logger, string rebuild, long cursor, long done);
    }
}
