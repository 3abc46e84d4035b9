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
