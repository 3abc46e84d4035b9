using System.Diagnostics;
using System.Threading.Channels;
using EventBot.EventStore;

namespace EventBot.Projections.Replay;

/// <summary>
/// A store without a global order (DynamoDB): the main pass scans its segments in parallel and saves each segment's
/// cursor at every flush, so a resumed rebuild goes on where every segment stopped; a catch-up reads the events
/// recorded since the rebuild began (less a clock-skew allowance), filtered on the server where the store can.
/// A store with neither segments nor that filter is read whole each time.
/// </summary>
internal sealed class ScanRebuildSource(IEventReader store) : IRebuildSource
{
    /// <summary>Clock skew allowed between writers when catching up by recorded-at.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    public Task<long> LastPositionAsync(CancellationToken ct) => Task.FromResult(0L);

    public Task<EventCountEstimate> EstimateAsync(CancellationToken ct) => RebuildSources.EstimateAsync(store, ct);

    public void StartFollowing(CancellationToken ct)
    {
        // no feed: the catch-up scans
    }

    /// <summary>A catch-up would read the whole table again, so only the one after the flip runs.</summary>
    public Task<bool> CatchUpIsCheapAsync() => Task.FromResult(false);

    public Task<RebuildState> MainPassAsync(RebuildPass pass, RebuildState state, CancellationToken ct) =>
        store is ISegmentedEventReader segmented ? SegmentedPassAsync(segmented, pass, state, ct) : ReadAllPassAsync(pass, state, ct);

    /// <summary>
    /// Every segment is scanned page by page in parallel into a small bounded channel; one consumer applies whole
    /// pages, flushes, and then saves each segment's cursor after its last written page. A page is written before its
    /// cursor is saved, so a resume never skips events (it may re-apply a page: harmless).
    /// </summary>
    private static async Task<RebuildState> SegmentedPassAsync(ISegmentedEventReader segmented, RebuildPass pass, RebuildState state, CancellationToken ct)
    {
        var cursors = new Dictionary<int, string>(state.Segments ?? []);
        var channel = Channel.CreateBounded<(int Segment, SegmentPage Page, object?[] Decoded)>(
            // Four pages a segment: a pause of the applying consumer (a GC, a flush) does not stop the Scan at once.
            new BoundedChannelOptions(Math.Max(4, segmented.Segments * 4)) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timings = PassTimings.FromEnvironment();
        var producers = Task.WhenAll(Enumerable.Range(0, segmented.Segments)
            .Where(s => !cursors.TryGetValue(s, out var c) || c != Rebuilder.SegmentDone)
            .Select(segment => Task.Run(async () =>
            {
                var cursor = cursors.GetValueOrDefault(segment);
                do
                {
                    var reading = Stopwatch.GetTimestamp();
                    var page = await segmented.ReadSegmentPageAsync(segment, cursor, stop.Token);
                    var decoding = Stopwatch.GetTimestamp();
                    var decoded = pass.Decode(page.Events);
                    var writing = Stopwatch.GetTimestamp();
                    await channel.Writer.WriteAsync((segment, page, decoded), stop.Token);
                    timings?.Producer(decoding - reading, writing - decoding, Stopwatch.GetTimestamp() - writing);
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
            await pass.FlushAsync(ct);
            foreach (var (segment, next) in pending) cursors[segment] = next ?? Rebuilder.SegmentDone;
            await pass.SaveAsync(state with { Done = done, Segments = new Dictionary<int, string>(cursors) });
            if (sinceFlush > 0) pass.Batched(done);
            pending.Clear();
            sinceFlush = 0;
        }
        try
        {
            // Pages are applied as they arrive (a segment's pages in order, so each stream stays in version order);
            // the buffer is flushed and the cursors saved every BatchSize events.
            var waiting = Stopwatch.GetTimestamp();
            await foreach (var (segment, page, decoded) in channel.Reader.ReadAllAsync(ct))
            {
                var applying = Stopwatch.GetTimestamp();
                await pass.ApplyAsync(page.Events, ct, decoded);
                timings?.Consumer(applying - waiting, Stopwatch.GetTimestamp() - applying);
                waiting = Stopwatch.GetTimestamp();
                pending.Add((segment, page.Next));
                done += page.Events.Count;
                sinceFlush += page.Events.Count;
                pass.Report("rebuilding", done);
                if (sinceFlush >= pass.BatchSize) await FlushAsync();
            }
            await FlushAsync();
        }
        finally
        {
            await stop.CancelAsync();
            await producers;
            timings?.Report(done - state.Done);
        }
        return state with { Done = done, Segments = cursors };
    }

    /// <summary>
    /// Neither a position nor segments: a resumed rebuild keeps what earlier attempts wrote and reads everything again;
    /// rows that already have an event skip it by the version rule, so only the reads repeat.
    /// </summary>
    private async Task<RebuildState> ReadAllPassAsync(RebuildPass pass, RebuildState state, CancellationToken ct)
    {
        var done = 0L;
        var batch = new List<EventEnvelope>(pass.PageSize);
        var unflushed = 0;
        await foreach (var e in store.ReadAllAsync(ct))
        {
            batch.Add(e);
            if (batch.Count < pass.PageSize) continue;
            await pass.ApplyAsync(batch, ct);
            done += batch.Count;
            unflushed += batch.Count;
            batch.Clear();
            pass.Report("rebuilding", done);
            if (unflushed < pass.BatchSize) continue;
            await pass.FlushAsync(ct);
            unflushed = 0;
            await pass.SaveAsync(state with { Done = done });
            pass.Batched(done);
        }
        await pass.ApplyAsync(batch, ct);
        await pass.FlushAsync(ct);
        done += batch.Count;
        pass.Report("rebuilding", done);
        return state with { Done = done };
    }

    /// <summary>
    /// Events recorded since the start (less the allowed clock skew); the version rule skips what the main pass
    /// already applied. DynamoDB filters on the server instead of returning every event.
    /// </summary>
    public async Task<RebuildState> CatchUpAsync(RebuildPass pass, RebuildState state, CancellationToken ct)
    {
        var since = state.StartedAt - Skew;
        var recent = store is IRecentEventReader reader ? reader.ReadRecordedSinceAsync(since, ct) : store.ReadAllAsync(ct);
        var batch = new List<EventEnvelope>(pass.PageSize);
        await foreach (var e in recent)
        {
            if (e.RecordedAt < since) continue;
            batch.Add(e);
            if (batch.Count < pass.PageSize) continue;
            await pass.ApplyAsync(batch, ct);
            batch.Clear();
        }
        await pass.ApplyAsync(batch, ct);
        await pass.FlushAsync(ct);
        return state;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
