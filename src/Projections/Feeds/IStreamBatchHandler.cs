using EventBot.Projections.Feeds.Streams;

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
/// it succeeded and it and everything after it will be delivered again. <paramref name="Error"/>: why it failed, when
/// known; a transient error (<see cref="EventBot.EventStore.Faults.Failures"/>) means the same records may well apply
/// if tried again soon.
/// </summary>
public sealed record StreamBatchOutcome(int? FirstFailedIndex, Exception? Error = null)
{
    public static StreamBatchOutcome Success { get; } = new((int?)null);

    public static StreamBatchOutcome FailedAt(int index, Exception? error = null) => new(index, error);
}
