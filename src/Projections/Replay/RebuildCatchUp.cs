using EventBot.EventStore;

namespace EventBot.Projections.Replay;

/// <summary>
/// A change feed a rebuild follows from its start (DynamoDB: the events table's stream), so its catch-ups read only
/// the events appended since, instead of scanning the whole table again for them.
/// </summary>
public interface IRebuildCatchUpFeed
{
    /// <summary>Starts following the store from now; null when it cannot (the rebuild then catches up by Scan).</summary>
    Task<IRebuildCatchUp?> FollowAsync(CancellationToken ct);
}

/// <summary>One rebuild's view of the feed, from <see cref="IRebuildCatchUpFeed.FollowAsync"/> on.</summary>
public interface IRebuildCatchUp : IAsyncDisposable
{
    /// <summary>
    /// Every event appended since following began and not returned by an earlier call, up to now, each stream in
    /// version order. Null when the feed can no longer promise that (records expired unread, too many held, the
    /// stream was replaced): the caller catches up another way.
    /// </summary>
    Task<IReadOnlyList<EventEnvelope>?> ReadNewAsync(CancellationToken ct);
}

/// <summary>A catch-up feed of raw stream records, revealed (docs/privacy.md) before the rebuild applies them.</summary>
public sealed class RevealingCatchUpFeed(IRebuildCatchUpFeed inner, EventStore.Privacy.EventPrivacy privacy) : IRebuildCatchUpFeed
{
    public async Task<IRebuildCatchUp?> FollowAsync(CancellationToken ct) =>
        await inner.FollowAsync(ct) is { } following ? new Revealing(following, privacy) : null;

    private sealed class Revealing(IRebuildCatchUp inner, EventStore.Privacy.EventPrivacy privacy) : IRebuildCatchUp
    {
        public async Task<IReadOnlyList<EventEnvelope>?> ReadNewAsync(CancellationToken ct) =>
            await inner.ReadNewAsync(ct) is { } events ? await privacy.RevealAsync(events, ct) : null;

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
