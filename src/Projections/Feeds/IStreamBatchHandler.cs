using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Feeds;

/// <summary>
/// Applies a batch of stream records (the projector core implements it). The Streams poller and the Lambda handler
/// both call it with records of one shard, in shard order.
/// </summary>
public interface IStreamBatchHandler
{
    Task<StreamBatchOutcome> HandleAsync(IReadOnlyList<StreamRecord> records, CancellationToken ct);
}

/// <summary>
/// How a batch went: <paramref name="FirstFailedIndex"/> null means every record succeeded; otherwise the records before
/// it succeeded and it and everything after it will be delivered again.
/// </summary>
public sealed record StreamBatchOutcome(int? FirstFailedIndex)
{
    public static StreamBatchOutcome Success { get; } = new((int?)null);

    public static StreamBatchOutcome FailedAt(int index) => new(index);
}
