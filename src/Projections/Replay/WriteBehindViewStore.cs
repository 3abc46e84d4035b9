using EventBot.Projections.Core;

namespace EventBot.Projections.Replay;

/// <summary>
/// The rebuild's write-behind buffer: the projector core reads and writes rows here, and <see cref="FlushAsync"/>
/// writes each row changed since the last flush once (one transaction on SQLite; on DynamoDB BatchWriteItem for new
/// rows and conditional puts for changed ones). Rows stay cached after a flush (up to <see cref="MaxCachedRows"/>), so
/// a row that many events touch is read from the store once per rebuild instead of once per batch. Buffering is safe
/// because nothing else writes a generation that is being built; after the flip the rebuilder switches the buffer to
/// <see cref="WriteThrough"/>, keeping the cache as a shortcut for events the rows already have.
/// </summary>
public sealed class WriteBehindViewStore(IViewStore inner) : IViewStore, IRowCache
{
    private readonly Dictionary<ViewKey, (ViewRow? Stored, ViewRow? Current)> _rows = [];

    /// <summary>Past this many cached rows a flush also empties the cache (memory stays bounded on huge histories).</summary>
    public int MaxCachedRows { get; init; } = 200_000;

    /// <summary>
    /// The target generation was just emptied (a fresh rebuild, not a resumed one): a row not in the cache does not
    /// exist, so it is not read. Turned off when the cache is emptied, since evicted rows are in the store.
    /// </summary>
    public bool TargetIsEmpty { get; set; }

    /// <summary>
    /// Once others may write the generation too (after the flip): every write goes to the store at once, checked
    /// against the revision this cache saw; a conflict evicts the row so the core's retry reads it afresh. Cached rows
    /// stay a safe shortcut: a row's applied versions only grow, so an event the cached row has is truly applied.
    /// Set it after a flush (no row may be pending).
    /// </summary>
    public bool WriteThrough
    {
        get => _writeThrough;
        set
        {
            if (value && DirtyRows > 0) throw new InvalidOperationException("Flush before writing through.");
            _writeThrough = value;
            if (value) TargetIsEmpty = false;
        }
    }

    private bool _writeThrough;

    /// <summary>Rows changed since the last flush.</summary>
    public int DirtyRows { get; private set; }

    /// <summary>
    /// A reused slot's rows that this rebuild has not written yet (<see cref="Rebuilder.ReuseSlots"/>): masked (the core
    /// sees them absent), compared at the flush (an identical row is not written again), and what is left at the end is
    /// deleted by <see cref="SweepStaleAsync"/> before the flip, so no stale row is ever served.
    /// </summary>
    private readonly Dictionary<ViewKey, ViewRow> _stale = [];

    /// <summary>What the flushes and the sweep did: rows written, rows of a reused slot left as they were (identical), rows swept.</summary>
    public (long Written, long Unchanged, long Swept) Writes => (_written, _unchanged, _swept);

    private long _written;
    private long _unchanged;
    private long _swept;

    /// <summary>
    /// The reused slot's current contents, to be overwritten in place: call before the first event. Until
    /// <see cref="SweepStaleAsync"/>, flushes keep the rows that replace the slot's rows in memory: a row is compared
    /// with the slot's once, when the history is all applied (a half-built row rarely equals the old one, and a resumed
    /// overwrite starts over anyway, see <see cref="RebuildState.ReusedSlot"/>).
    /// </summary>
    public void OverwriteSlot(IEnumerable<ViewRow> staleRows)
    {
        foreach (var row in staleRows) _stale[row.Key] = row;
        _overwriting = true;
    }

    /// <summary>
    /// As <see cref="OverwriteSlot(IEnumerable{ViewRow})"/>, with the slot still being read: the rebuild's main pass
    /// runs meanwhile. The rows are needed only at the first flush (where they are compared) and by the sweep: while the
    /// target counts as empty (<see cref="TargetIsEmpty"/>, always so for an overwritten slot until a flush) the core
    /// sees every row it has not written as absent without looking at them. Read on the Scan's own schedule, so the read
    /// costs the rebuild no time of its own (it was 1.3 s of a 15.8 s rebuild at 50,000 events, load 10).
    /// </summary>
    public void OverwriteSlot(Task<IReadOnlyList<ViewRow>> staleRows)
    {
        _pendingStale = staleRows;
        _overwriting = true;
    }

    private bool _overwriting;

    private Task<IReadOnlyList<ViewRow>>? _pendingStale;

    private async ValueTask LoadStaleAsync()
    {
        if (_pendingStale is not { } pending) return;
        _pendingStale = null;
        foreach (var row in await pending) _stale[row.Key] = row;
    }

    /// <summary>
    /// Writes what is held for the reused slot (rows made again as they were are left alone), then deletes the slot's
    /// rows that this rebuild did not make; call after the main pass and before the flip.
    /// </summary>
    public async Task<int> SweepStaleAsync(CancellationToken ct)
    {
        _overwriting = false;
        await FlushAsync(ct);
        await LoadStaleAsync();
        if (_stale.Count == 0) return 0;
        ViewKey[] keys = [.. _stale.Keys];
        if (inner is IBatchViewStore batch) await batch.DeleteRowsAsync(keys, ct);
        else foreach (var key in keys) await inner.DeleteAsync(key, ct);
        _stale.Clear();
        _swept += keys.Length;
        return keys.Length;
    }

    /// <summary>Writes every row changed since the last flush, once each; returns how many.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        await LoadStaleAsync();
        var dirty = new List<(ViewRow Row, long Expected)>(DirtyRows);
        var overwrites = new List<(ViewRow Row, long StoredRevision)>();
        var unchanged = new List<ViewRow>();
        var held = 0;
        foreach (var (stored, current) in _rows.Values)
        {
            if (current is null || ReferenceEquals(stored, current)) continue;
            if (stored is null && _overwriting && _stale.ContainsKey(current.Key))
            {
                held++;
                continue;
            }
            if (stored is null && _stale.Remove(current.Key, out var old))
            {
                // A reused slot's row: left alone when the rebuild made it again as it was, else overwritten in place,
                // its revision kept growing so that a writer still holding the old one can never match it.
                if (old.Body == current.Body && AppliedVersions.Equal(old.Applied, current.Applied)) unchanged.Add(old);
                else overwrites.Add((current with { Revision = old.Revision + current.Revision }, old.Revision));
                continue;
            }
            dirty.Add((current, stored?.Revision ?? 0));
        }
        if (inner is IBatchViewStore batch)
        {
            // Before the flip this buffer is the generation's only writer: new rows need no per-row check.
            var fresh = dirty.Where(d => d.Expected == 0).Select(d => d.Row).ToList();
            await batch.WriteNewRowsAsync(fresh, ct);
            if (overwrites.Count > 0) await batch.OverwriteRowsAsync(overwrites, ct);
            if (fresh.Count < dirty.Count) await batch.WriteBatchAsync([.. dirty.Where(d => d.Expected != 0)], ct);
        }
        else
        {
            foreach (var (row, expected) in dirty)
                if (!await inner.TryWriteAsync(row, expected, ct)) throw new ViewWriteConflictException(row.Key);
            foreach (var (row, stored) in overwrites)
                if (!await inner.TryWriteAsync(row, stored, ct)) throw new ViewWriteConflictException(row.Key);
        }
        _written += dirty.Count + overwrites.Count;
        _unchanged += unchanged.Count;
        if (_rows.Count > MaxCachedRows && held == 0)
        {
            _rows.Clear();
            TargetIsEmpty = false;
        }
        else
        {
            foreach (var (row, _) in dirty) _rows[row.Key] = (row, row);
            foreach (var (row, _) in overwrites) _rows[row.Key] = (row, row);
            foreach (var row in unchanged) _rows[row.Key] = (row, row);
            if (_rows.Count > MaxCachedRows)
            {
                // Rows held for a reused slot are not written yet: only rows as stored are let go.
                foreach (var key in _rows.Where(r => ReferenceEquals(r.Value.Stored, r.Value.Current)).Select(r => r.Key).ToList()) _rows.Remove(key);
                TargetIsEmpty = false;
            }
        }
        DirtyRows = held;
        return dirty.Count + overwrites.Count;
    }

    private static readonly Task<ViewRow?> Absent = Task.FromResult<ViewRow?>(null);

    public bool TryGetCached(ViewKey key, out ViewRow? row)
    {
        if (_rows.TryGetValue(key, out var cached))
        {
            row = cached.Current;
            return true;
        }
        row = null;
        // A reused slot's stale row is absent to the core until this rebuild writes the key (even after an eviction).
        if (!TargetIsEmpty && _pendingStale is not null)
            throw new InvalidOperationException("A reused slot is still being read: flush before the target stops counting as empty.");
        if (!TargetIsEmpty && !_stale.ContainsKey(key)) return false;
        _rows[key] = (null, null);
        return true;
    }

    // Not async: nearly every call is answered from the cache, and this runs for every row of every event replayed.
    public Task<ViewRow?> GetAsync(ViewKey key, CancellationToken ct) =>
        !TryGetCached(key, out var row) ? ReadAsync(key, ct) : row is null ? Absent : Task.FromResult<ViewRow?>(row);

    private async Task<ViewRow?> ReadAsync(ViewKey key, CancellationToken ct)
    {
        var stored = await inner.GetAsync(key, ct);
        _rows[key] = (stored, stored);
        return stored;
    }

    public Task<bool> TryWriteAsync(ViewRow row, long expectedRevision, CancellationToken ct) =>
        _writeThrough ? WriteThroughAsync(row, expectedRevision, ct) : Task.FromResult(Buffer(row, expectedRevision));

    private async Task<bool> WriteThroughAsync(ViewRow row, long expectedRevision, CancellationToken ct)
    {
        if (await inner.TryWriteAsync(row, expectedRevision, ct))
        {
            _rows[row.Key] = (row, row);
            return true;
        }
        _rows.Remove(row.Key);
        return false;
    }

    private bool Buffer(ViewRow row, long expectedRevision)
    {
        _rows.TryGetValue(row.Key, out var cached);
        if ((cached.Current?.Revision ?? 0) != expectedRevision) return false;
        if (ReferenceEquals(cached.Stored, cached.Current)) DirtyRows++;
        _rows[row.Key] = (cached.Stored, row);
        return true;
    }

    public Task<IReadOnlyList<ViewRow>> QueryAsync(string partition, CancellationToken ct) => inner.QueryAsync(partition, ct);

    public Task<IReadOnlyList<long>> DeletePartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct) =>
        inner.DeletePartitionsAsync(partitionPrefixes, ct);

    public Task DeleteAsync(ViewKey key, CancellationToken ct) => inner.DeleteAsync(key, ct);

    public Task<IReadOnlyList<string>> ListPartitionsAsync(string partitionPrefix, CancellationToken ct) => inner.ListPartitionsAsync(partitionPrefix, ct);

    public Task<string?> GetValueAsync(string name, CancellationToken ct) => inner.GetValueAsync(name, ct);

    public Task SetValueAsync(string name, string value, CancellationToken ct) => inner.SetValueAsync(name, value, ct);
}
