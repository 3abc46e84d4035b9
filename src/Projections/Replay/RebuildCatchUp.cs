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
