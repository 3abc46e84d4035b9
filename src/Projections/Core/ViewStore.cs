namespace EventBot.Projections.Core;

/// <summary>Where a read-model row lives: a partition (e.g. a guild) and a sort key inside it.</summary>
public readonly record struct ViewKey(string Partition, string Sort);

/// <summary>
/// One read-model row: its JSON body and, per stream that feeds it, the last version applied
/// (the projector's idempotency and ordering rule). <see cref="Revision"/> guards concurrent writers.
/// A row made from a projection's typed document keeps that document and writes its JSON only when
/// <see cref="Body"/> is first read (a rebuild's buffer may replace the row many times before writing it once).
/// </summary>
public sealed record ViewRow
{
    private readonly IDocumentProjection? _writer;
    private readonly object? _document;
    private string? _body;

    public ViewRow(ViewKey key, string body, IReadOnlyDictionary<string, long> applied, long revision)
    {
        Key = key;
        _body = body;
        Applied = applied;
        Revision = revision;
    }

    public ViewRow(ViewKey key, IDocumentProjection projection, object document, IReadOnlyDictionary<string, long> applied, long revision)
    {
        Key = key;
        _writer = projection;
        _document = document;
        Applied = applied;
        Revision = revision;
    }

    public ViewKey Key { get; init; }

    public string Body
    {
        get => _body ??= _writer!.WriteDocument(_document!);
        init
        {
            // A new body replaces the document too (`row with { Body = … }`).
            _body = value;
            _writer = null;
            _document = null;
        }
    }

    /// <summary>The typed document the body is (or will be) written from, when the row was made from one.</summary>
    public object? Document => _document;

    public IReadOnlyDictionary<string, long> Applied { get; init; }

    public long Revision { get; init; }

    public long AppliedVersion(string streamId) => Applied.TryGetValue(streamId, out var v) ? v : 0;

    public bool Equals(ViewRow? other) =>
        other is not null && Key == other.Key && Revision == other.Revision && Body == other.Body && ReferenceEquals(Applied, other.Applied);

    public override int GetHashCode() => HashCode.Combine(Key, Revision, Body);

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Key = {Key}, Body = {Body}, Revision = {Revision}");
        return true;
    }
}

/// <summary>
/// The read-model store: rows by key, whole partitions in sort order (no scans), conditional writes whose conflict
/// is a value, and small named values (checkpoints, generation pointers).
/// </summary>
public interface IViewStore
{
    Task<ViewRow?> GetAsync(ViewKey key, CancellationToken ct);

    Task<IReadOnlyList<ViewRow>> QueryAsync(string partition, CancellationToken ct);

    /// <summary>
    /// The bodies of <see cref="QueryAsync"/>'s rows, in the same order. A store may read less for it (SQLite: the body
    /// column only; DynamoDB: a projection of the body attribute), so a listing of 10,000 rows parses no applied versions.
    /// </summary>
    async Task<IReadOnlyList<string>> QueryBodiesAsync(string partition, CancellationToken ct) =>
        [.. (await QueryAsync(partition, ct)).Select(r => r.Body)];

    /// <summary>Writes <paramref name="row"/> if the stored revision is <paramref name="expectedRevision"/> (0: absent). False on conflict.</summary>
    Task<bool> TryWriteAsync(ViewRow row, long expectedRevision, CancellationToken ct);

    /// <summary>
    /// Deletes every row whose partition starts with one of <paramref name="partitionPrefixes"/> (a rebuild's old
    /// generations, all projections at once: one pass over the table); returns how many per prefix, in order.
    /// </summary>
    Task<IReadOnlyList<long>> DeletePartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct);

    /// <summary>Deletes one row if present (dead letters once retried; never read-model rows, which a rebuild replaces).</summary>
    Task DeleteAsync(ViewKey key, CancellationToken ct);

    /// <summary>Distinct partitions starting with <paramref name="partitionPrefix"/>. Offline use only (verify): a Scan on DynamoDB.</summary>
    Task<IReadOnlyList<string>> ListPartitionsAsync(string partitionPrefix, CancellationToken ct);

    Task<string?> GetValueAsync(string name, CancellationToken ct);

    Task SetValueAsync(string name, string value, CancellationToken ct);
}

/// <summary>
/// Optional: many conditional writes at once (the rebuild's write-behind flush). All succeed or the call throws
/// <see cref="ViewWriteConflictException"/>; stores without it get one <see cref="IViewStore.TryWriteAsync"/> per row.
/// </summary>
public interface IBatchViewStore
{
    Task WriteBatchAsync(IReadOnlyList<(ViewRow Row, long ExpectedRevision)> rows, CancellationToken ct);

    /// <summary>
    /// Rows that do not exist yet, in partitions no one else writes (a generation being rebuilt, before its flip):
    /// a store may skip the per-row check (DynamoDB: BatchWriteItem, 25 rows a request, instead of a conditional
    /// PutItem per row). By default, the checked batch.
    /// </summary>
    Task WriteNewRowsAsync(IReadOnlyList<ViewRow> rows, CancellationToken ct) => WriteBatchAsync([.. rows.Select(r => (r, 0L))], ct);

    /// <summary>
    /// True where overwriting a row costs about what writing a fresh one does and deleting rows is a write of its own
    /// (DynamoDB): a rebuild then alternates between two generation slots and overwrites the older one in place
    /// (<see cref="Replay.Rebuilder.ReuseSlots"/>) instead of writing a fresh generation and deleting the old one.
    /// </summary>
    bool PrefersSlotReuse => false;

    /// <summary>
    /// Rows that replace a reused slot's rows in place, before its flip (the rebuild is its only writer): by default
    /// checked against the revision read when the slot was read; a store may skip the check (DynamoDB: BatchWriteItem).
    /// </summary>
    Task OverwriteRowsAsync(IReadOnlyList<(ViewRow Row, long StoredRevision)> rows, CancellationToken ct) => WriteBatchAsync(rows, ct);

    /// <summary>Every row whose partition starts with one of <paramref name="partitionPrefixes"/>, read consistently (offline use: a rebuild's start).</summary>
    async Task<IReadOnlyList<ViewRow>> ReadPartitionsAsync(IReadOnlyList<string> partitionPrefixes, CancellationToken ct)
    {
        var rows = new List<ViewRow>();
        var views = (IViewStore)this;
        foreach (var prefix in partitionPrefixes)
            foreach (var partition in await views.ListPartitionsAsync(prefix, ct))
                rows.AddRange(await views.QueryAsync(partition, ct));
        return rows;
    }

    /// <summary>Deletes these rows, unconditionally (a rebuild's leftovers in a slot it is the only writer of).</summary>
    async Task DeleteRowsAsync(IReadOnlyList<ViewKey> keys, CancellationToken ct)
    {
        foreach (var key in keys) await ((IViewStore)this).DeleteAsync(key, ct);
    }
}

/// <summary>A view store that may hold rows in memory: a synchronous look there first (the rebuild's buffer).</summary>
public interface IRowCache
{
    /// <summary>True with the row (null: known absent) when the answer is in memory; false when the store must be read.</summary>
    bool TryGetCached(ViewKey key, out ViewRow? row);
}

public sealed class ViewWriteConflictException(ViewKey key)
    : Exception($"Row {key.Partition}/{key.Sort} was changed by another writer during a batch write.")
{
    public ViewKey Key { get; } = key;
}

/// <summary>
/// A row's applied versions after one more event. Most rows are fed by one stream: those get a one-entry map
/// (a fifth of a dictionary's size, and a rebuild makes one per event per row).
/// </summary>
public static class AppliedVersions
{
    /// <summary>The same streams at the same versions.</summary>
    public static bool Equal(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b) =>
        a.Count == b.Count && a.All(x => b.TryGetValue(x.Key, out var v) && v == x.Value);

    public static IReadOnlyDictionary<string, long> With(IReadOnlyDictionary<string, long>? applied, string stream, long version)
    {
        if (applied is null || applied.Count == 0 || (applied.Count == 1 && applied.ContainsKey(stream))) return new One(stream, version);
        var copy = new Dictionary<string, long>(applied, StringComparer.Ordinal) { [stream] = version };
        return copy;
    }

    private sealed class One(string stream, long version) : IReadOnlyDictionary<string, long>
    {
        public long this[string key] => key == stream ? version : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => [stream];

        public IEnumerable<long> Values => [version];

        public int Count => 1;

        public bool ContainsKey(string key) => key == stream;

        public bool TryGetValue(string key, out long value)
        {
            value = key == stream ? version : 0;
            return key == stream;
        }

        public IEnumerator<KeyValuePair<string, long>> GetEnumerator()
        {
            yield return new KeyValuePair<string, long>(stream, version);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
