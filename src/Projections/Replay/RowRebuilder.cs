using EventBot.EventStore;
using EventBot.Projections.Core;

namespace EventBot.Projections.Replay;

/// <summary>What a scoped rebuild read and rewrote.</summary>
public sealed record ScopedRebuildResult(long Events, int Rows, int Changed);

/// <summary>
/// Scoped rebuilds (one guild, one key) and dead-letter retries. A whole generation cannot be flipped for part of
/// its rows, so these rebuild the affected rows in place, in the active generation: each row is recomputed from
/// every stream that feeds it (the scope's streams plus the streams its applied map already names), in store order,
/// and written with the applied versions a full rebuild would give it, in one conditional write. A live feed writing
/// the same row meanwhile makes the write conflict, and the row is recomputed again.
/// </summary>
public sealed class RowRebuilder(IEventReader store, IViewStore views, EventCodec codec, Generations generations)
{
    public DeadLetterStore? DeadLetters { get; init; }

    /// <summary>Rebuilds the rows touched by the events of one guild, or of one stream when <paramref name="streamId"/> is given.</summary>
    public async Task<ScopedRebuildResult> RebuildScopeAsync(IReadOnlyList<IProjection> projections, string guildId, string? streamId,
        IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        IAsyncEnumerable<EventEnvelope> events = streamId is null
            ? store.ReadAllAsync(ct).Where(e => e.GuildId == guildId)
            : (await store.ReadStreamAsync(new StreamName(streamId), 1, ct)).ToAsyncEnumerable();
        var affected = new Dictionary<(IProjection Projection, ViewKey Row), HashSet<string>>();
        long read = 0;
        await foreach (var e in events)
        {
            read++;
            if (read % 1000 == 0) progress?.Report(new RebuildProgress("finding rows", read, read, false));
            if (!codec.IsKnown(e.Type)) continue; // a dead letter: `projections retry` handles it
            object? decoded = null;
            foreach (var p in projections)
            {
                if (!p.Handles(e.Type)) continue;
                try
                {
                    decoded ??= codec.Decode(e);
                }
                catch (EventDecodeException)
                {
                    break;
                }
                foreach (var row in p.RowsFor(e, decoded))
                {
                    if (!affected.TryGetValue((p, row), out var streams)) affected[(p, row)] = streams = new HashSet<string>(StringComparer.Ordinal);
                    streams.Add(e.StreamId);
                }
            }
        }
        var changed = 0;
        var done = 0;
        foreach (var ((projection, row), streams) in affected)
        {
            if (await RebuildRowAsync(projection, row, streams, ct)) changed++;
            progress?.Report(new RebuildProgress("rewriting rows", ++done, affected.Count, true));
        }
        return new ScopedRebuildResult(read, affected.Count, changed);
    }

    /// <summary>Recomputes one row of the active generation (or of <paramref name="generation"/>) from its streams; true when the stored row changed.</summary>
    /// <param name="retrying">The dead letter being retried: it must apply now, even though it is recorded as skipped.</param>
    /// <param name="readStream">Reads a whole stream for the first attempt (a caller rebuilding many rows of the same
    /// streams reads each once); a retry after a conflict reads the store again.</param>
    /// <param name="generation">The generation to write; null: the active one. An erasure's re-projection also brings
    /// the other slot of a pair (<see cref="Rebuilder.ReuseSlots"/>) and a rebuild's target to the erased state.</param>
    public async Task<bool> RebuildRowAsync(IProjection projection, ViewKey logical, IEnumerable<string> streams, CancellationToken ct, string? retrying = null,
        Func<string, CancellationToken, Task<IReadOnlyList<EventEnvelope>>>? readStream = null, long? generation = null)
    {
        generation ??= await generations.ActiveAsync(projection.Name, ct);
        var key = Generations.PhysicalKey(projection.Name, generation.Value, logical);
        for (var attempt = 0; ; attempt++)
        {
            var live = await views.GetAsync(key, ct);
            var feeding = new HashSet<string>(streams, StringComparer.Ordinal);
            if (live is not null) feeding.UnionWith(live.Applied.Keys);

            var history = new List<EventEnvelope>();
            foreach (var stream in feeding)
                history.AddRange(attempt == 0 && readStream is not null ? await readStream(stream, ct) : await store.ReadStreamAsync(new StreamName(stream), 1, ct));
            // Store order where there is one (SQLite), else time: the order the live feed applied them in.
            history.Sort((a, b) => a.Position != b.Position && a.Position > 0 && b.Position > 0
                ? a.Position.CompareTo(b.Position)
                : (a.RecordedAt, a.StreamId, a.Version).CompareTo((b.RecordedAt, b.StreamId, b.Version)));

            string? body = null;
            var applied = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var e in history)
            {
                if (!projection.Handles(e.Type)) continue;
                try
                {
                    var decoded = codec.Decode(e);
                    if (!projection.RowsFor(e, decoded).Contains(logical)) continue;
                    body = projection.Apply(logical, body, e, decoded);
                    applied[e.StreamId] = e.Version;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A skipped dead letter stays skipped here too (as in the live feed); anything else is a real failure.
                    if (DeadLetter.IdOf(e.StreamId, e.Version) != retrying && DeadLetters is { } letters
                        && await letters.IsSkippedAsync(e.StreamId, e.Version, ct)) continue;
                    throw;
                }
            }

            if (body is null)
            {
                if (live is null) return false;
                await views.DeleteAsync(key, ct); // nothing in the events makes this row
                return true;
            }
            if (live is not null && live.Body == body && AppliedVersions.Equal(live.Applied, applied))
                return false;
            var expected = live?.Revision ?? 0;
            if (await views.TryWriteAsync(new ViewRow(key, body, applied, expected + 1), expected, ct)) return true;
            if (attempt >= 20) throw new InvalidOperationException($"Row {key.Partition}/{key.Sort} kept changing during the rebuild.");
        }
    }
}
