using System.Collections.Concurrent;
using EventBot.Projections.Core;

namespace EventBot.Bot.Pipeline;

/// <summary>
/// Read-your-writes, moved from the write to the next read (issue 19): a write replies as soon as its events are
/// appended (the decision has everything its reply needs) and records here the read-model rows they touch; the next
/// read of that guild, by anyone, first waits until the projector has applied them, bounded by
/// <see cref="ReadYourWrites.Timeout"/> (then its reply says the read model is still catching up).
/// </summary>
/// <remarks>
/// Per process, like the wait it replaces: a read served by another process of the same bot does not wait. A guild
/// keeps at most one entry per (row, stream) (the highest version), and a read that finds them applied clears them, so
/// the memory held is bounded by the rows written since the guild's last read.
/// </remarks>
public sealed class PendingWrites(ReadYourWrites readYourWrites) : Microsoft.Extensions.Hosting.IHostedService
{
    Task Microsoft.Extensions.Hosting.IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task Microsoft.Extensions.Hosting.IHostedService.StopAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken);

    private readonly ConcurrentDictionary<string, Dictionary<(string Projection, ViewKey Row, string StreamId), long>> _guilds = new(StringComparer.Ordinal);

    /// <summary>The rows a write to <paramref name="guild"/> touched; the guild's next read waits for them.</summary>
    public void Record(string guild, IEnumerable<PendingRow> rows)
    {
        var pending = _guilds.GetOrAdd(guild, _ => []);
        lock (pending)
        {
            foreach (var row in rows)
            {
                var key = (row.Projection, row.Row, row.StreamId);
                if (!pending.TryGetValue(key, out var version) || version < row.Version) pending[key] = row.Version;
            }
        }
    }

    /// <summary>
    /// At shutdown, after the chat adapters stopped and before the projector does: waits (bounded) for every guild's
    /// pending writes, so what a session changed is in the read models when the process exits, as when the write waited.
    /// </summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(readYourWrites.Timeout); // real time too: a test's stopped fake clock must not hold the host
        try
        {
            foreach (var guild in _guilds.Keys) await WaitAsync(guild, bound.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Left to the projector's next start: the events are stored.
        }
    }

    /// <summary>How many rows of <paramref name="guild"/> are still waited for (tests, diagnostics).</summary>
    public int Count(string guild)
    {
        if (!_guilds.TryGetValue(guild, out var pending)) return 0;
        lock (pending) return pending.Count;
    }

    /// <summary>
    /// True once every row written in <paramref name="guild"/> so far has applied its write (at once when there is
    /// none); false when one has not within the timeout. Applied rows stop being waited for.
    /// </summary>
    public async Task<bool> WaitAsync(string guild, CancellationToken ct)
    {
        if (!_guilds.TryGetValue(guild, out var pending)) return true;
        PendingRow[] rows;
        lock (pending) rows = [.. pending.Select(p => new PendingRow(p.Key.Projection, p.Key.Row, p.Key.StreamId, p.Value))];
        if (rows.Length == 0) return true;
        var caughtUp = await readYourWrites.WaitAllAsync(rows, ct);
        if (caughtUp)
        {
            lock (pending)
            {
                // A write that landed meanwhile raised its row's version: that one stays for the next read.
                foreach (var row in rows)
                    if (pending.TryGetValue((row.Projection, row.Row, row.StreamId), out var version) && version <= row.Version)
                        pending.Remove((row.Projection, row.Row, row.StreamId));
            }
        }
        return caughtUp;
    }
}
