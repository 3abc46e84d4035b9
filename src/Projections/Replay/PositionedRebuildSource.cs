using EventBot.EventStore;

namespace EventBot.Projections.Replay;

/// <summary>
/// A store with a global position (SQLite): the main pass reads in position order with the next page read ahead, and
/// saves the last position written at every flush, so a resumed rebuild starts there; a catch-up reads on from it.
/// </summary>
internal sealed class PositionedRebuildSource(IPositionedEventReader positioned, IEventReader store) : IRebuildSource
{
    public Task<long> LastPositionAsync(CancellationToken ct) => positioned.LastPositionAsync(ct);

    public Task<EventCountEstimate> EstimateAsync(CancellationToken ct) => RebuildSources.EstimateAsync(store, ct);

    public void StartFollowing(CancellationToken ct)
    {
        // positions are the feed: a catch-up reads on from the last one
    }

    public Task<bool> CatchUpIsCheapAsync() => Task.FromResult(true);

    public async Task<RebuildState> MainPassAsync(RebuildPass pass, RebuildState state, CancellationToken ct)
    {
        var done = state.Done;
        var cursor = state.Cursor;
        var pageSize = Math.Min(pass.PageSize, pass.BatchSize);
        var sinceFlush = 0;
        // Read and decode ahead on another thread (SQLite's async reads run synchronously): the next page comes
        // off the file while this one is applied.
        Task<(IReadOnlyList<EventEnvelope> Page, object?[] Decoded)> ReadAhead(long after) => Task.Run(async () =>
        {
            var page = await positioned.ReadAfterPositionAsync(after, pageSize, ct);
            return (page, pass.Decode(page));
        }, ct);
        var next = ReadAhead(cursor);
        while (true)
        {
            var (page, decoded) = await next;
            if (page.Count == pageSize) next = ReadAhead(page[^1].Position);
            if (page.Count > 0)
            {
                await pass.ApplyAsync(page, ct, decoded);
                cursor = page[^1].Position;
                done += page.Count;
                sinceFlush += page.Count;
            }
            if (sinceFlush > 0 && (sinceFlush >= pass.BatchSize || page.Count < pageSize))
            {
                await pass.FlushAsync(ct);
                sinceFlush = 0;
                await pass.SaveAsync(state with { Cursor = cursor, Done = done });
                pass.Batched(done);
            }
            if (page.Count > 0) pass.Report("rebuilding", done);
            if (page.Count < pageSize) break;
        }
        return state with { Cursor = cursor, Done = done };
    }

    public async Task<RebuildState> CatchUpAsync(RebuildPass pass, RebuildState state, CancellationToken ct)
    {
        // Everything after the last position the main pass (or an earlier catch-up) read.
        long added = 0;
        var cursor = state.Cursor;
        while (true)
        {
            var page = await positioned.ReadAfterPositionAsync(cursor, pass.PageSize, ct);
            if (page.Count == 0) break;
            await pass.ApplyAsync(page, ct);
            cursor = page[^1].Position;
            added += page.Count;
        }
        await pass.FlushAsync(ct);
        if (added > 0) pass.Report("catching up", state.Done + added);
        return state with { Cursor = cursor, Done = state.Done + added };
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
