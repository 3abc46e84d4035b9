using EventBot.Projections.Core;

namespace EventBot.Projections.Replay;

/// <summary>
/// The rebuild's write-behind buffer: the projector core reads and writes rows here for one batch of events, and
/// <see cref="FlushAsync"/> writes each touched row once (one transaction on SQLite, concurrent conditional puts on
/// DynamoDB). Memory holds one batch's rows only. Safe because nothing else writes a generation that is being built;
/// after the flip the rebuilder stops using it and writes directly.
/// </summary>
public sealed class WriteBehindViewStore(IViewStore inner) : IViewStore
{
    private readonly Dictionary<ViewKey, (ViewRow? Stored, ViewRow? Current)> _rows = [];

    /// <summary>Writes every row changed since the last flush, once each; returns how many.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        var dirty = _rows.Values.Where(r => r.Current is not null && !ReferenceEquals(r.Stored, r.Current))
            .Select(r => (r.Current!, r.Stored?.Revision ?? 0)).ToList();
        if (inner is IBatchViewStore batch)
        {
            await batch.WriteBatchAsync(dirty, ct);
        }
        else
        {
            foreach (var (row, expected) in dirty)
                if (!await inner.TryWriteAsync(row, expected, ct)) throw new ViewWriteConflictException(row.Key);
        }
        _rows.Clear();
        return dirty.Count;
    }

    public async Task<ViewRow?> GetAsync(ViewKey key, CancellationToken ct)
    {
        if (_rows.TryGetValue(key, out var cached)) return cached.Current;
        var stored = await inner.GetAsync(key, ct);
        _rows[key] = (stored, stored);
        return stored;
    }

    public Task<bool> TryWriteAsync(ViewRow row, long expectedRevision, CancellationToken ct)
    {
        _rows.TryGetValue(row.Key, out var cached);
        if ((cached.Current?.Revision ?? 0) != expectedRevision) return Task.FromResult(false);
        _rows[row.Key] = (cached.Stored, row);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<ViewRow>> QueryAsync(string partition, CancellationToken ct) => inner.QueryAsync(partition, ct);

    public Task<long> DeletePartitionsAsync(string partitionPrefix, CancellationToken ct) => inner.DeletePartitionsAsync(partitionPrefix, ct);

    public Task DeleteAsync(ViewKey key, CancellationToken ct) => inner.DeleteAsync(key, ct);

    public Task<IReadOnlyList<string>> ListPartitionsAsync(string partitionPrefix, CancellationToken ct) => inner.ListPartitionsAsync(partitionPrefix, ct);

    public Task<string?> GetValueAsync(string name, CancellationToken ct) => inner.GetValueAsync(name, ct);

    public Task SetValueAsync(string name, string value, CancellationToken ct) => inner.SetValueAsync(name, value, ct);
}
