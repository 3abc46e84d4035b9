using EventBot.EventStore;
using EventBot.Projections.Core;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Replay;

/// <summary>
/// A rebuild's projector cores (one per target generation) and the write-behind buffer they share. Cores run in
/// turn: on SQLite the reader thread already keeps the other processor core busy, and one core per group of
/// projections on its own thread measured 6-8 % slower on this 2-core machine, each core paying the per-event overhead.
/// </summary>
internal sealed class RebuildWorkers
{
    private readonly EventCodec _codec;
    private readonly WriteBehindViewStore _buffer;
    private readonly List<ProjectorCore> _cores;
    private readonly DeadLetterStore? _deadLetters;
    private readonly DeadLetterPolicy _policy;

    /// <param name="targetEmpty">The target generations were just emptied: rows not cached need not be read.</param>
    public RebuildWorkers(IReadOnlyList<IProjection> projections, RebuildState state, bool targetEmpty, IViewStore views,
        IEventReader store, EventCodec codec, Generations generations, ProjectionSignals signals, ILoggerFactory loggers,
        DeadLetterStore? deadLetters, DeadLetterPolicy policy)
    {
        _codec = codec;
        _deadLetters = deadLetters;
        _policy = policy;
        _buffer = new WriteBehindViewStore(views) { TargetIsEmpty = targetEmpty };
        _cores = [.. projections.GroupBy(p => state.Targets[p.Name].Next).Select(g =>
            new ProjectorCore([.. g], _buffer, store, codec, generations, signals, loggers.CreateLogger<ProjectorCore>())
            {
                TargetGeneration = g.Key,
                DeadLetters = deadLetters,
                DeadLetterPolicy = policy,
            })];
    }

    /// <param name="decoded">The page already decoded (the SQLite reader thread, the Scan producers); null: decoded here.</param>
    public async Task ApplyAsync(IReadOnlyList<EventEnvelope> page, CancellationToken ct, object?[]? decoded = null)
    {
        if (page.Count == 0) return;
        if (Erasures is { } erasures)
        {
            // Appended after the rebuild began: a position past its start (SQLite), else met in a catch-up and recorded
            // since the start (DynamoDB: the table's stream). Erasures before the start destroyed their keys before the
            // rebuild read anything. The cheap test first: almost every event of a rebuild is older.
            foreach (var e in page)
                if ((e.Position > 0 ? e.Position > ErasuresAfter.Position : CatchingUp && e.RecordedAt >= ErasuresAfter.At) && erasures.Handles(e.Type)) Met.Add(e);
        }
        decoded ??= Decode(page);
        foreach (var core in _cores) await ApplyAsync(core, page, decoded, ct);
    }

    public Task FlushAsync(CancellationToken ct) => _buffer.FlushAsync(ct);

    /// <summary>Erasure events to collect in <see cref="Met"/> (<see cref="Rebuilder.Erasures"/>); null: none.</summary>
    public IErasureHandler? Erasures { get; init; }

    /// <summary>The rebuild's start: erasures appended before it are not collected.</summary>
    public (long Position, DateTimeOffset At) ErasuresAfter { get; init; }

    /// <summary>Set by the rebuilder while it catches up (what a store without positions appended since the start).</summary>
    public bool CatchingUp { get; set; }

    /// <summary>The erasure events appended since the rebuild began that it has applied, not yet re-projected.</summary>
    public List<EventEnvelope> Met { get; } = [];

    /// <summary>The targets are reused slots holding these rows: masked, compared, and swept (<see cref="WriteBehindViewStore.OverwriteSlot"/>).</summary>
    public void OverwriteSlot(Task<IReadOnlyList<ViewRow>> staleRows) => _buffer.OverwriteSlot(staleRows);

    /// <summary>Deletes the reused slots' rows that the rebuild did not produce (before the flip).</summary>
    public Task<int> SweepAsync(CancellationToken ct) => _buffer.SweepStaleAsync(ct);

    public (long Written, long Unchanged, long Swept) Writes => _buffer.Writes;

    /// <summary>After the flip: others write the generation too, so every write goes straight to the store, checked.</summary>
    public void WriteThrough() => _buffer.WriteThrough = true;

    /// <summary>Decodes a page ahead of the cores (null where it fails: the core then decodes it itself and reports why).</summary>
    public object?[] Decode(IReadOnlyList<EventEnvelope> page)
    {
        var decoded = new object?[page.Count];
        for (var i = 0; i < page.Count; i++)
        {
            if (!_codec.IsKnown(page[i].Type)) continue;
            try
            {
                decoded[i] = _codec.Decode(page[i]);
            }
            catch (EventDecodeException)
            {
                // left null: the core meets the same error and handles it by the dead-letter policy
            }
        }
        return decoded;
    }

    /// <summary>Applies a batch to a core; a record that fails is retried until the dead-letter policy skips it, or the rebuild stops.</summary>
    private async Task ApplyAsync(ProjectorCore core, IReadOnlyList<EventEnvelope> batch, object?[]? decoded, CancellationToken ct)
    {
        var from = 0;
        for (var attempt = 1; from < batch.Count; attempt++)
        {
            var rest = from == 0 ? batch : batch.Skip(from).ToList();
            var result = await core.ProjectAsync(rest, ct, decoded is null ? null : from == 0 ? decoded : decoded[from..]);
            if (result.FirstFailedIndex is not { } failed) break;
            var at = rest[failed];
            if (_deadLetters is null || attempt > _policy.MaxAttempts)
                throw new InvalidOperationException($"Rebuild stopped at {at.StreamId} v{at.Version} ({at.Type}): {result.Error?.GetBaseException().Message}", result.Error);
            from += failed;
        }
    }
}
