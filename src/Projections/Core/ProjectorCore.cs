using System.Collections.Concurrent;
using EventBot.EventStore;
using EventBot.EventStore.Faults;
using EventBot.Projections.Telemetry;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Core;

/// <summary>Per-batch answer: records before <see cref="FirstFailedIndex"/> were applied; null means all were.</summary>
public sealed record ProjectionBatchResult(int? FirstFailedIndex, Exception? Error = null)
{
    public static readonly ProjectionBatchResult Success = new(FirstFailedIndex: null);
}

/// <summary>
/// Applies events to read models with the rule that makes at-least-once, per-item-ordered delivery correct:
/// every row remembers the last version it applied for each stream feeding it, so a version at or below it is a
/// duplicate, the next one applies (with the new version stored in the same conditional write), and a version
/// further ahead is a gap filled from the store with a consistent read. Every feed (SQLite tail, Streams poller,
/// Lambda) hands batches to this one class, so all of them share its dead-letter handling: a record that fails is
/// counted in <see cref="DeadLetters"/>; once it has failed <see cref="DeadLetterPolicy.MaxAttempts"/> times it is
/// skipped (reported as applied, so the feed moves on) or keeps stopping the batch, per projection.
/// A skipped version leaves a hole in the rows it would have touched; the gap fill steps over dead-lettered
/// versions instead of failing on them again. Only deterministic failures (decode, apply, validation) count: a transient
/// one (<see cref="Failures"/>: throttling, 5xx, conflicts, timeouts, dropped connections), which the stores have
/// already retried, stops the batch at that record without a dead letter, and the feed delivers it again.
/// </summary>
public sealed partial class ProjectorCore(
    IReadOnlyList<IProjection> projections,
    IViewStore views,
    IEventReader store,
    EventCodec codec,
    Generations generations,
    ProjectionSignals signals,
    ILogger<ProjectorCore> logger)
{
    private const int MaxConflictRetries = 20;

    /// <summary>Set for rebuilds: write this generation instead of the active one.</summary>
    public long? TargetGeneration { get; init; }

    public IReadOnlyList<IProjection> Projections => projections;

    /// <summary>Test hook: throw for chosen events to prove failure handling (never set in production).</summary>
    public Func<EventEnvelope, Exception?>? FaultInjector { get; set; }

    /// <summary>Where failures are counted and given up on; null: every failure just stops the batch.</summary>
    public DeadLetterStore? DeadLetters { get; init; }

    public DeadLetterPolicy DeadLetterPolicy { get; init; } = DeadLetterPolicy.Standard;

    /// <summary>
    /// Reveals records as stored (pseudonyms, ciphertext; docs/privacy.md) before they are decoded, for the feeds that
    /// hand the core raw records (SQLite tail, Streams poller, Lambda). Null for cores fed by an already revealing reader
    /// (a rebuild's).
    /// </summary>
    public EventStore.Privacy.EventPrivacy? Privacy { get; init; }

    /// <summary>
    /// Re-projects what an erasure event erased (<see cref="IErasureHandler"/>), for the live cores; null for a
    /// rebuild's (it reads every event, already revealed as erased) and where no privacy layer runs.
    /// </summary>
    public IErasureHandler? Erasures { get; init; }

    // Events that failed in this process: their dead letter is removed once they apply (the stop policy's recovery).
    private readonly ConcurrentDictionary<string, byte> _failing = new(StringComparer.Ordinal);

    // How many entries _failing has: checked for every record, and ConcurrentDictionary.IsEmpty takes all its locks.
    private int _failingCount;

    // Physical partition names, built once instead of once per row per event (a rebuild applies millions). Few
    // distinct ones (projections × generations × logical partitions); emptied if it ever grows past the bound.
    private readonly ConcurrentDictionary<(string Projection, long Generation, string Logical), string> _partitions = new();

    private string Physical(string projection, long generation, string logical)
    {
        if (_partitions.TryGetValue((projection, generation, logical), out var physical)) return physical;
        if (_partitions.Count > 50_000) _partitions.Clear();
        return _partitions[(projection, generation, logical)] = Generations.PhysicalPartition(projection, generation, logical);
    }

    /// <param name="decoded">Optional: the batch's events already decoded (same order; null where not), e.g. by a
    /// rebuild's reader thread, so several cores on one batch decode it once.</param>
    public async Task<ProjectionBatchResult> ProjectAsync(IReadOnlyList<EventEnvelope> batch, CancellationToken ct, IReadOnlyList<object?>? decoded = null)
    {
        if (Privacy is not null && decoded is null && batch.Count > 0)
        {
            if (Erasures is { } erasures && TargetGeneration is null && batch.Any(e => erasures.Handles(e.Type))) return await ProjectAcrossErasuresAsync(batch, ct);
            batch = await Privacy.RevealAsync(batch, ct);
        }
        return await ProjectRevealedAsync(batch, decoded, ct);
    }

    private async Task<ProjectionBatchResult> ProjectRevealedAsync(IReadOnlyList<EventEnvelope> batch, IReadOnlyList<object?>? decoded, CancellationToken ct)
    {
        if (batch.Count == 0 || !ProjectionsTelemetry.Enabled) return await ProjectBatchAsync(batch, decoded, ct);
        var activity = ProjectionsTelemetry.StartBatch(batch, FeedName);
        ProjectionBatchResult? result = null;
        try
        {
            return result = await ProjectBatchAsync(batch, decoded, ct);
        }
        finally
        {
            ProjectionsTelemetry.EndBatch(activity, FeedName, result?.FirstFailedIndex ?? (result is null ? 0 : batch.Count), result?.Error);
        }
    }

    /// <summary>
    /// A batch holding erasure events: revealed and projected up to and including each of them, then on, so the records
    /// after an erasure are revealed once the re-projection has forgotten the cached keys (never with a destroyed one).
    /// </summary>
    private async Task<ProjectionBatchResult> ProjectAcrossErasuresAsync(IReadOnlyList<EventEnvelope> batch, CancellationToken ct)
    {
        for (var start = 0; start < batch.Count;)
        {
            var end = start;
            while (end < batch.Count - 1 && !Erasures!.Handles(batch[end].Type)) end++;
            var segment = await Privacy!.RevealAsync([.. batch.Skip(start).Take(end - start + 1)], ct);
            var result = await ProjectRevealedAsync(segment, null, ct);
            if (result.FirstFailedIndex is { } failed) return result with { FirstFailedIndex = start + failed };
            start = end + 1;
        }
        return ProjectionBatchResult.Success;
    }

    /// <summary>The feed this core serves, for telemetry (<c>eventbot.feed</c>); a rebuild's cores say <c>rebuild</c>.</summary>
    public string Feed { get; init; } = "live";

    private string FeedName => TargetGeneration is null ? Feed : "rebuild";

    /// <summary>Records given up on (dead-lettered and skipped) by this core since it was built; the Lambda reports it per batch.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    private long _deadLettered;

    private async Task<ProjectionBatchResult> ProjectBatchAsync(IReadOnlyList<EventEnvelope> batch, IReadOnlyList<object?>? decoded, CancellationToken ct)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                await ProjectOneAsync(batch[i], ct, decoded?[i]);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (Failures.Classify(ex, ct) is var kind && kind != FailureKind.Deterministic)
            {
                Log.RecordTransient(logger, ex, kind, batch[i].StreamId, batch[i].Version, batch[i].Type, batch[i].GuildId, batch[i].Source);
                if (i > 0) signals.Notify();
                return new ProjectionBatchResult(i, ex);
            }
            catch (Exception ex)
            {
                Log.RecordFailed(logger, ex, batch[i].StreamId, batch[i].Version, batch[i].Type, batch[i].GuildId, batch[i].Source);
                if (DeadLetters is { } letters)
                {
                    DeadLetter letter;
                    try
                    {
                        letter = await letters.RecordFailureAsync(batch[i], (ex as ProjectionApplyException)?.Projection, ex, DeadLetterPolicy, ct);
                    }
                    catch (Exception bookkeeping) when (Failures.IsTransient(bookkeeping, ct))
                    {
                        // The failure could not be counted now: it will be, when the record comes again.
                        Log.RecordTransient(logger, bookkeeping, Failures.Classify(bookkeeping, ct), batch[i].StreamId, batch[i].Version, batch[i].Type,
                            batch[i].GuildId, batch[i].Source);
                        if (i > 0) signals.Notify();
                        return new ProjectionBatchResult(i, bookkeeping);
                    }
                    if (letter.Status == DeadLetterStatus.Skipped)
                    {
                        Interlocked.Increment(ref _deadLettered);
                        Log.Skipped(logger, letter.StreamId, letter.Version, letter.Type, letter.Attempts);
                        continue;
                    }
                    if (_failing.TryAdd(letter.Id, 0)) Interlocked.Increment(ref _failingCount);
                }
                if (i > 0) signals.Notify();
                return new ProjectionBatchResult(i, ex);
            }

            // Applied. Removing the dead letter it left when it failed before is bookkeeping, outside the try above:
            // whatever removing it throws, the record stays applied and is never answered as failed again.
            if (Volatile.Read(ref _failingCount) > 0 && _failing.TryRemove(DeadLetter.IdOf(batch[i].StreamId, batch[i].Version), out _))
            {
                Interlocked.Decrement(ref _failingCount);
                await RemoveDeadLetterAsync(batch[i], ct);
            }
        }
        if (batch.Count > 0) signals.Notify();
        return ProjectionBatchResult.Success;
    }

    private async Task RemoveDeadLetterAsync(EventEnvelope applied, CancellationToken ct)
    {
        if (DeadLetters is not { } letters) return;
        var id = DeadLetter.IdOf(applied.StreamId, applied.Version);
        try
        {
            await letters.RemoveAsync(id, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Denied, throttled, unreachable: the letter stays behind, stale. `projections errors` still lists it and
            // `projections retry` clears it (the retry finds the record applied); it is never a new failure.
            Log.DeadLetterNotRemoved(logger, ex, applied.StreamId, applied.Version);
        }
    }

    public async Task ProjectOneAsync(EventEnvelope envelope, CancellationToken ct, object? decoded = null)
    {
        if (FaultInjector?.Invoke(envelope) is { } fault) throw fault;
        // An unknown type may be an event of newer code that some read model needs: never silently ignore it.
        if (!codec.IsKnown(envelope.Type))
            throw new EventDecodeException($"Unknown event type '{envelope.Type}' (schema v{envelope.SchemaVersion}).");
        foreach (var projection in projections)
        {
            if (!projection.Handles(envelope.Type)) continue;
            var generation = TargetGeneration ?? await generations.ActiveAsync(projection.Name, ct);
            try
            {
                // Unreadable data counts against the first projection that needed it (for its dead-letter policy).
                decoded ??= codec.Decode(envelope);
                foreach (var logical in projection.RowsFor(envelope, decoded))
                    await ApplyToRowAsync(projection, generation, logical, envelope, decoded, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not ProjectionApplyException)
            {
                throw new ProjectionApplyException(projection.Name, ex);
            }
        }
        // The keys are gone already (the erasing process destroys them, then appends this): re-project what they protected.
        if (Erasures is { } erasures && TargetGeneration is null && erasures.Handles(envelope.Type))
            await erasures.ApplyAsync(envelope, projections, ct);
    }

    private async Task ApplyToRowAsync(IProjection projection, long generation, ViewKey logical, EventEnvelope envelope, object decoded, CancellationToken ct)
    {
        var key = new ViewKey(Physical(projection.Name, generation, logical.Partition), logical.Sort);
        for (var attempt = 0; ; attempt++)
        {
            // A rebuild's buffer answers from memory without a task per read (millions of reads in a rebuild).
            var row = views is IRowCache cache && cache.TryGetCached(key, out var cached) ? cached : await views.GetAsync(key, ct);
            var applied = row?.AppliedVersion(envelope.StreamId) ?? 0;
            if (envelope.Version <= applied) return; // duplicate delivery

            // A typed projection works on its document (kept by the row it last wrote, so a buffered rebuild parses
            // and writes each row once per flush); any other projection on the JSON body.
            var typed = projection as IDocumentProjection;
            var document = row is null || typed is null ? null : row.Document ?? typed.ReadDocument(row.Body);
            var body = typed is null ? row?.Body : null;
            void Step(EventEnvelope e, object @event)
            {
                if (typed is not null) document = typed.ApplyDocument(logical, document, e, @event);
                else body = projection.Apply(logical, body, e, @event);
            }

            if (envelope.Version > applied + 1)
            {
                // A gap: this row missed earlier events of the stream (reordering, or a batch lost before us).
                var missing = await store.ReadStreamAsync(new StreamName(envelope.StreamId), applied + 1, ct);
                foreach (var earlier in missing)
                {
                    if (earlier.Version >= envelope.Version) break;
                    if (!projection.Handles(earlier.Type)) continue;
                    try
                    {
                        var earlierEvent = codec.Decode(earlier);
                        if (projection.RowsFor(earlier, earlierEvent).Contains(logical)) Step(earlier, earlierEvent);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Dead-lettered and skipped: step over it, as the in-order delivery did.
                        if (!await IsSkippedAsync(earlier, ct)) throw;
                        Log.GapSkipped(logger, earlier.StreamId, earlier.Version, projection.Name);
                    }
                }
                Log.GapFilled(logger, envelope.StreamId, applied, envelope.Version, projection.Name);
            }
            Step(envelope, decoded);

            var appliedMap = AppliedVersions.With(row?.Applied, envelope.StreamId, envelope.Version);
            var expected = row?.Revision ?? 0;
            var next = typed is not null
                ? new ViewRow(key, typed, document!, appliedMap, expected + 1)
                : new ViewRow(key, body!, appliedMap, expected + 1);
            if (await views.TryWriteAsync(next, expected, ct)) return;
            if (attempt >= MaxConflictRetries)
                throw new InvalidOperationException($"Row {key.Partition}/{key.Sort} kept changing under the projector ({attempt} conflicts).");
        }
    }

    private async Task<bool> IsSkippedAsync(EventEnvelope envelope, CancellationToken ct) =>
        DeadLetters is { } letters && await letters.IsSkippedAsync(envelope.StreamId, envelope.Version, ct);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Dead letter: skipped {StreamId} v{Version} ({Type}) after {Attempts} attempts; see `projections errors`")]
        public static partial void Skipped(ILogger logger, string streamId, long version, string type, int attempts);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Gap fill stepped over dead-lettered {StreamId} v{Version} for {Projection}")]
        public static partial void GapSkipped(ILogger logger, string streamId, long version, string projection);

        [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Projecting {StreamId} v{Version} ({Type}) of guild {GuildId}, message {MessageId}, failed")]
        public static partial void RecordFailed(ILogger logger, Exception ex, string streamId, long version, string type, string guildId, string messageId);

        [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
            Message = "Projecting {StreamId} v{Version} ({Type}) of guild {GuildId}, message {MessageId}, hit a transient failure ({Kind}); not a dead letter, it comes again")]
        public static partial void RecordTransient(ILogger logger, Exception ex, FailureKind kind, string streamId, long version, string type, string guildId, string messageId);

        [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "{StreamId} v{Version} is applied, but its dead letter could not be removed; `projections retry` clears it")]
        public static partial void DeadLetterNotRemoved(ILogger logger, Exception ex, string streamId, long version);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Gap in {StreamId}: row had v{Applied}, event is v{Version}; filled from the store for {Projection}")]
        public static partial void GapFilled(ILogger logger, string streamId, long applied, long version, string projection);
    }
}

/// <summary>A projection's own code or storage failed for a record; carries which projection, for the dead-letter policy.</summary>
public sealed class ProjectionApplyException(string projection, Exception inner)
    : Exception($"{projection}: {inner.Message}", inner)
{
    public string Projection { get; } = projection;
}
