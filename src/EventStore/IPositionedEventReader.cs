namespace EventBot.EventStore;

/// <summary>A store with a global order (SQLite): replay can read from a position and resume there.</summary>
public interface IPositionedEventReader
{
    /// <summary>Events after a global position, oldest first.</summary>
    Task<IReadOnlyList<EventEnvelope>> ReadAfterPositionAsync(long position, int max, CancellationToken ct);

    /// <summary>The newest position (0 when empty).</summary>
    Task<long> LastPositionAsync(CancellationToken ct);
}

/// <summary>How many events a replay will read: exact where the store knows, else an estimate.</summary>
public interface IEventCountEstimator
{
    Task<EventCountEstimate> EstimateEventCountAsync(CancellationToken ct);
}

/// <param name="Exact">False for DynamoDB's DescribeTable ItemCount: refreshed about every six hours and it counts idempotency markers too.</param>
public sealed record EventCountEstimate(long Count, bool Exact, string Source);

/// <summary>
/// A store read by parallel Scan segments (DynamoDB): replay reads page by page and saves each segment's cursor,
/// so an interrupted rebuild resumes where every segment stopped.
/// </summary>
public interface ISegmentedEventReader
{
    int Segments { get; }

    /// <summary>One page of <paramref name="segment"/> after <paramref name="cursor"/> (null: from its start).</summary>
    Task<SegmentPage> ReadSegmentPageAsync(int segment, string? cursor, CancellationToken ct);
}

/// <param name="Next">The cursor after this page; null when the segment is finished.</param>
public sealed record SegmentPage(IReadOnlyList<EventEnvelope> Events, string? Next);

/// <summary>
/// A store without a global order that can still select recent events on its side (DynamoDB: a parallel Scan with a
/// filter on recorded_at), for a rebuild's catch-up.
/// </summary>
public interface IRecentEventReader
{
    /// <summary>Events recorded at or after <paramref name="since"/>, each stream in version order.</summary>
    IAsyncEnumerable<EventEnvelope> ReadRecordedSinceAsync(DateTimeOffset since, CancellationToken ct);
}
