using EventBot.EventStore;

namespace EventBot.Projections.Replay;

/// <summary>
/// How one rebuild reads history from a kind of store: its main pass (every event, resumable) and its catch-ups
/// (events appended since the rebuild began). One instance per rebuild run; <see cref="RebuildSources.For"/> picks it.
/// </summary>
internal interface IRebuildSource : IAsyncDisposable
{
    /// <summary>The store's newest position when the rebuild begins (0 without positions).</summary>
    Task<long> LastPositionAsync(CancellationToken ct);

    Task<EventCountEstimate> EstimateAsync(CancellationToken ct);

    /// <summary>
    /// Starts following the store's change feed, before the main pass reads anything, so every event that pass may
    /// miss is on it. Not for a resumed rebuild: a feed cannot go back to its start. A no-op without a feed.
    /// </summary>
    void StartFollowing(CancellationToken ct);

    /// <summary>
    /// Waits until following is set up; true when a catch-up before the flip is cheap (positions, or a followed feed),
    /// false when it would read the whole store again (then only the catch-up after the flip runs).
    /// </summary>
    Task<bool> CatchUpIsCheapAsync();

    /// <summary>Every event from <paramref name="state"/>'s resume point, applied, flushed and saved as it goes.</summary>
    Task<RebuildState> MainPassAsync(RebuildPass pass, RebuildState state, CancellationToken ct);

    /// <summary>Events appended since the rebuild began (or since the last catch-up), applied, then flushed.</summary>
    Task<RebuildState> CatchUpAsync(RebuildPass pass, RebuildState state, CancellationToken ct);
}

/// <summary>The one place that knows which store reads history which way.</summary>
internal static class RebuildSources
{
    public static IRebuildSource For(IEventReader store, IRebuildCatchUpFeed? feed) => store switch
    {
        IPositionedEventReader positioned => new PositionedRebuildSource(positioned, store),
        _ when feed is not null => new StreamCatchUpRebuildSource(new ScanRebuildSource(store), feed),
        _ => new ScanRebuildSource(store),
    };

    public static async Task<EventCountEstimate> EstimateAsync(IEventReader store, CancellationToken ct) =>
        store is IEventCountEstimator estimator ? await estimator.EstimateEventCountAsync(ct) : new EventCountEstimate(0, false, "unknown");
}

/// <summary>What a source drives during a pass: the rebuild's workers, page and batch sizes, saved progress.</summary>
internal sealed class RebuildPass(RebuildWorkers workers, int pageSize, int batchSize, EventCountEstimate total,
    IProgress<RebuildProgress>? progress, Func<RebuildState, Task> save, Action<long>? afterBatch)
{
    /// <summary>Events read per page.</summary>
    public int PageSize => pageSize;

    /// <summary>Events between two flushes of the write-behind buffer (and saves of the progress).</summary>
    public int BatchSize => batchSize;

    /// <param name="decoded">The page already decoded (on a reader thread); null: decoded here.</param>
    public Task ApplyAsync(IReadOnlyList<EventEnvelope> page, CancellationToken ct, object?[]? decoded = null) =>
        workers.ApplyAsync(page, ct, decoded);

    public object?[] Decode(IReadOnlyList<EventEnvelope> page) => workers.Decode(page);

    public Task FlushAsync(CancellationToken ct) => workers.FlushAsync(ct);

    /// <summary>Saves the progress of a main pass (after a flush: what it names is written).</summary>
    public Task SaveAsync(RebuildState state) => save(state);

    /// <summary>A main-pass batch is flushed and saved (the test hook that interrupts a rebuild halfway).</summary>
    public void Batched(long done) => afterBatch?.Invoke(done);

    public void Report(string phase, long done) =>
        progress?.Report(new RebuildProgress(phase, done, Math.Max(done, total.Count), total.Exact));
}
