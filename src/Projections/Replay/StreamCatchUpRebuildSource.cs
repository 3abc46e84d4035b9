using EventBot.EventStore;

namespace EventBot.Projections.Replay;

/// <summary>
/// A scanned store with a change feed (DynamoDB and its table's stream): the main pass is the scan's; the catch-ups
/// read the feed, followed from before the main pass began, instead of scanning the table again. When the feed gives
/// up (records expired unread, too many held, the stream replaced), or was never followed (a resumed rebuild), every
/// later catch-up scans.
/// </summary>
internal sealed class StreamCatchUpRebuildSource(IRebuildSource scan, IRebuildCatchUpFeed feed) : IRebuildSource
{
    private Task<IRebuildCatchUp?>? _starting;
    private IRebuildCatchUp? _followed;

    public Task<long> LastPositionAsync(CancellationToken ct) => scan.LastPositionAsync(ct);

    public Task<EventCountEstimate> EstimateAsync(CancellationToken ct) => scan.EstimateAsync(ct);

    public void StartFollowing(CancellationToken ct) => _starting = feed.FollowAsync(ct);

    public async Task<bool> CatchUpIsCheapAsync() => await FeedAsync() is not null;

    public Task<RebuildState> MainPassAsync(RebuildPass pass, RebuildState state, CancellationToken ct) => scan.MainPassAsync(pass, state, ct);

    public async Task<RebuildState> CatchUpAsync(RebuildPass pass, RebuildState state, CancellationToken ct)
    {
        if (await ReadNewAsync(ct) is not { } appended) return await scan.CatchUpAsync(pass, state, ct);
        // What was appended since the rebuild began (or since the last catch-up), each stream in version order.
        foreach (var page in appended.Chunk(pass.PageSize)) await pass.ApplyAsync(page, ct);
        await pass.FlushAsync(ct);
        return state;
    }

    private async Task<IReadOnlyList<EventEnvelope>?> ReadNewAsync(CancellationToken ct)
    {
        if (await FeedAsync() is not { } followed) return null;
        if (await followed.ReadNewAsync(ct) is { } events) return events;
        await DisposeAsync();
        return null;
    }

    private async Task<IRebuildCatchUp?> FeedAsync()
    {
        if (_starting is { } starting)
        {
            _starting = null;
            _followed = await starting;
        }
        return _followed;
    }

    public async ValueTask DisposeAsync()
    {
        IRebuildCatchUp? followed;
        try
        {
            followed = await FeedAsync();
        }
        catch (OperationCanceledException)
        {
            return; // cancelled before it was set up: nothing runs
        }
        _followed = null;
        if (followed is not null) await followed.DisposeAsync();
        await scan.DisposeAsync();
    }
}
