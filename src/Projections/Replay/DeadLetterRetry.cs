using EventBot.EventStore;
using EventBot.Projections.Core;

namespace EventBot.Projections.Replay;

public sealed record RetryOutcome(DeadLetter Letter, bool Fixed, string? Error);

/// <summary>
/// <c>projections retry</c>: re-applies dead letters once their cause is fixed (new code that knows the type, a fixed
/// projection). A skipped version may already be behind later ones in its rows, so the version rule would call it a
/// duplicate; instead each row the event touches is rebuilt in place from its streams, which puts the event where it
/// belongs. On success the dead letter is removed; on failure it counts one more attempt.
/// </summary>
public sealed class DeadLetterRetry(IEventReader store, EventCodec codec, IReadOnlyList<IProjection> projections, RowRebuilder rows, DeadLetterStore letters)
{
    public async Task<RetryOutcome> RetryAsync(DeadLetter letter, CancellationToken ct)
    {
        var envelope = (await store.ReadStreamAsync(new StreamName(letter.StreamId), letter.Version, ct)).FirstOrDefault(e => e.Version == letter.Version);
        if (envelope is null)
        {
            await letters.RemoveAsync(letter.Id, ct);
            return new RetryOutcome(letter, true, "the event is no longer in the store; removed");
        }
        try
        {
            var decoded = codec.Decode(envelope);
            foreach (var projection in projections.Where(p => p.Handles(envelope.Type)))
                foreach (var row in projection.RowsFor(envelope, decoded))
                    await rows.RebuildRowAsync(projection, row, [envelope.StreamId], ct, retrying: letter.Id);
            await letters.RemoveAsync(letter.Id, ct);
            return new RetryOutcome(letter, true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await letters.RecordFailureAsync(envelope, letter.Projection, ex, DeadLetterPolicy.Standard with { MaxAttempts = int.MaxValue }, ct);
            return new RetryOutcome(letter, false, ex.GetBaseException().Message);
        }
    }
}
