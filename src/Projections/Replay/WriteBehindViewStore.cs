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

    /// <summary>Writes every row changed since the last flush, once each; returns how many.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var dirty = new List<(ViewRow Row, long Expected)>(DirtyRows);
        foreach (var (stored, current) in _rows.Values)
            if (current is not null && !ReferenceEquals(stored, current)) dirty.Add((current, stored?.Revision ?? 0));
        if (inner is IBatchViewStore batch)
        {
            // Before the flip this buffer is the generation's only writer: new rows need no per-row check.
            var fresh = dirty.Where(d => d.Expected == 0).Select(d => d.Row).ToList();
            await batch.WriteNewRowsAsync(fresh, ct);
            if (fresh.Count < dirty.Count) await batch.WriteBatchAsync([.. dirty.Where(d => d.Expected != 0)], ct);
        }
        else
        {
            foreach (var (row, expected) in dirty)
                if (!await inner.TryWriteAsync(row, expected, ct)) throw new ViewWriteConflictException(row.Key);
        }
        if (_rows.Count > MaxCachedRows)
        {
            _rows.Clear();
            TargetIsEmpty = false;
        }
        else
        {
            foreach (var (row, _) in dirty) _rows[row.Key] = (row, row);
        }
        DirtyRows = 0;
        return dirty.Count;
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
        if (!TargetIsEmpty) return false;
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
