using EventBot.EventStore.Faults;
using EventBot.Projections.Telemetry;

namespace EventBot.Projections.Core;

/// <summary>
/// Lets a handler that appended version N of a stream reply once the read model row has applied N:
/// a bounded wait, woken by in-process projection pulses and otherwise polling (for out-of-process projectors).
/// </summary>
public sealed class ReadYourWrites(IViewStore views, Generations generations, ProjectionSignals signals, TimeProvider time)
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan PollPeriod { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The longest pause between two polls of one row: the pause doubles from <see cref="PollPeriod"/> up to this while
    /// the row stays behind. Back-pressure: when the projector falls behind because the store is saturated, every waiting
    /// reply polling at the first rate would add reads to the store that is already too slow (8 waiters: 160 reads/s at
    /// 50 ms, 40 at 200 ms). In-process projector pulses still wake a waiter at once. Default 200 ms.
    /// </summary>
    public TimeSpan MaxPollPeriod { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>True once the row has applied <paramref name="version"/> of <paramref name="streamId"/>; false if the wait ran out.</summary>
    public async Task<bool> WaitAsync(string projection, ViewKey logicalRow, string streamId, long version, CancellationToken ct)
    {
        using var activity = ProjectionsTelemetry.StartWait(streamId, version);
        return ProjectionsTelemetry.EndWait(activity, await WaitUntilAsync(projection, logicalRow, streamId, version, time.GetUtcNow() + Timeout, ct));
    }

    /// <summary>
    /// True once every row has applied <paramref name="version"/> of <paramref name="streamId"/>; false when one has not
    /// by the deadline, which is one <see cref="Timeout"/> for all of them (a reply waits one timeout, not one per row).
    /// </summary>
    public Task<bool> WaitAllAsync(IEnumerable<(string Projection, ViewKey Row)> rows, string streamId, long version, CancellationToken ct) =>
        WaitAllAsync(rows.Select(r => new PendingRow(r.Projection, r.Row, streamId, version)), ct);

    /// <summary>
    /// True once every row has applied its version (from <see cref="ProjectionRoutes.RowsTouchedBy"/>); false when one
    /// has not by the deadline, which is one <see cref="Timeout"/> for all of them.
    /// </summary>
    public async Task<bool> WaitAllAsync(IEnumerable<PendingRow> rows, CancellationToken ct)
    {
        using var activity = ProjectionsTelemetry.StartWait();
        var deadline = time.GetUtcNow() + Timeout;
        foreach (var row in rows)
        {
            ProjectionsTelemetry.Waiting(activity, row.StreamId, row.Version);
            if (!await WaitUntilAsync(row.Projection, row.Row, row.StreamId, row.Version, deadline, ct)) return ProjectionsTelemetry.EndWait(activity, false);
        }
        return ProjectionsTelemetry.EndWait(activity, true);
    }

    /// <summary>
    /// True once <paramref name="done"/> answers true (a named value the projector writes, say); false when it has not
    /// within one <see cref="Timeout"/>. Woken by in-process projection pulses, else polling.
    /// </summary>
    public Task<bool> WaitForAsync(Func<CancellationToken, Task<bool>> done, CancellationToken ct) =>
        PollAsync(done, time.GetUtcNow() + Timeout, ct);

    private Task<bool> WaitUntilAsync(string projection, ViewKey logicalRow, string streamId, long version, DateTimeOffset deadline, CancellationToken ct) =>
        PollAsync(async token =>
        {
            var generation = await generations.ActiveAsync(projection, token);
            var key = Generations.PhysicalKey(projection, generation, logicalRow);
            var row = await views.GetAsync(key, token);
            return row is not null && row.AppliedVersion(streamId) >= version;
        }, deadline, ct);

    /// <summary>
    /// Asks <paramref name="done"/> until it answers true or <paramref name="deadline"/> passes: woken at once by an
    /// in-process projection pulse, else polling with a pause that doubles from <see cref="PollPeriod"/> to
    /// <see cref="MaxPollPeriod"/>. A transient failure of the read only means "not seen yet".
    /// </summary>
    private async Task<bool> PollAsync(Func<CancellationToken, Task<bool>> done, DateTimeOffset deadline, CancellationToken ct)
    {
        var period = PollPeriod;
        while (true)
        {
            var pulse = signals.NextAsync();
            try
            {
                if (await done(ct)) return true;
            }
            catch (Exception e) when (Failures.IsTransient(e, ct))
            {
                // The change is saved; a busy read model only means "not seen yet": wait on, then say "still catching up".
            }
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero) return false;
            var delay = left < period ? left : period;
            await Task.WhenAny(pulse, Task.Delay(delay, time, ct));
            period = period * 2 < MaxPollPeriod ? period * 2 : MaxPollPeriod > PollPeriod ? MaxPollPeriod : PollPeriod;
            ct.ThrowIfCancellationRequested();
        }
    }
}
