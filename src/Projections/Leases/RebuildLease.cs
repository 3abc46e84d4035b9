using System.Text.Json;
using EventBot.Projections.Core;

namespace EventBot.Projections.Leases;

/// <summary>Who holds the rebuild lease: enough for an operator to find the process (host, pid) and judge it (since, expires).</summary>
public sealed record LeaseHolder(string Owner, string Purpose, string Host, int Pid, DateTimeOffset Since, DateTimeOffset ExpiresAt);

/// <summary>The outcome of asking for the lease: held now, or busy with who holds it.</summary>
public abstract record LeaseAttempt
{
    private LeaseAttempt() { }

    public sealed record Acquired(HeldLease Lease) : LeaseAttempt;

    public sealed record Busy(LeaseHolder Holder) : LeaseAttempt;
}

/// <summary>
/// One rebuild at a time (<c>replay</c>, <c>replay --verify</c>, <c>projections retry</c>): two at once could delete each
/// other's half-built generation and flip to a partial one. The lease is one row of the views store (an item of the
/// DynamoDB views table, a row of SQLite's), taken and renewed by conditional writes on its revision, so two takers
/// never both win. A holder renews it every <see cref="Duration"/>/3; a crashed holder stops renewing and its lease
/// expires after <see cref="Duration"/>, when the next run may take it over (conditionally, again).
/// </summary>
public sealed class RebuildLease(IViewStore views, TimeProvider time)
{
    /// <summary>The lease's row; a partition no projection, generation or dead letter uses.</summary>
    public static readonly ViewKey Key = new("meta#lease", "rebuild");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long a lease lives without renewal. Default 60 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>This process, as other runs will be told.</summary>
    public string Host { get; init; } = Environment.MachineName;

    public int Pid { get; init; } = Environment.ProcessId;

    internal TimeProvider Time => time;

    internal IViewStore Views => views;

    public async Task<LeaseAttempt> TryAcquireAsync(string purpose, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var current = await views.GetAsync(Key, ct);
        var holder = current is null ? null : Read(current);
        if (holder is not null && holder.ExpiresAt > now) return new LeaseAttempt.Busy(holder);

        var mine = new LeaseHolder(Guid.CreateVersion7().ToString("N"), purpose, Host, Pid, now, now + Duration);
        var revision = (current?.Revision ?? 0) + 1;
        if (!await views.TryWriteAsync(Row(mine, revision), current?.Revision ?? 0, ct))
        {
            // Someone else took it between our read and our write: tell who.
            var winner = await views.GetAsync(Key, ct);
            return new LeaseAttempt.Busy(winner is null ? mine with { Owner = "", Host = "?", Pid = 0 } : Read(winner)!);
        }
        return new LeaseAttempt.Acquired(new HeldLease(this, mine, revision));
    }

    internal static ViewRow Row(LeaseHolder holder, long revision) =>
        new(Key, JsonSerializer.Serialize(holder, Json), new Dictionary<string, long>(), revision);

    private static LeaseHolder? Read(ViewRow row)
    {
        try
        {
            return JsonSerializer.Deserialize<LeaseHolder>(row.Body, Json);
        }
        catch (JsonException)
        {
            return null; // unreadable: treat as free (the conditional write still guards the takeover)
        }
    }
}

/// <summary>
/// A lease this process holds. It renews itself in the background; if a renewal finds the lease taken (this process
/// stalled past its expiry and another run took over), <see cref="Lost"/> is cancelled so the work stops before it
/// writes over the other run's. Disposing releases it (conditionally: never someone else's).
/// </summary>
public sealed class HeldLease : IAsyncDisposable
{
    private readonly RebuildLease _lease;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Task _renewal;
    private long _revision;

    internal HeldLease(RebuildLease lease, LeaseHolder holder, long revision)
    {
        _lease = lease;
        Holder = holder;
        _revision = revision;
        _renewal = RenewLoopAsync();
    }

    public LeaseHolder Holder { get; private set; }

    /// <summary>Cancelled when the lease was lost; link the work's token to it.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Extends the lease by its duration from now; false (and <see cref="Lost"/> cancelled) when it is no longer ours.</summary>
    public async Task<bool> RenewAsync(CancellationToken ct)
    {
        await _write.WaitAsync(ct);
        try
        {
            if (_lost.IsCancellationRequested) return false;
            var renewed = Holder with { ExpiresAt = _lease.Time.GetUtcNow() + _lease.Duration };
            if (!await _lease.Views.TryWriteAsync(RebuildLease.Row(renewed, _revision + 1), _revision, ct))
            {
                await _lost.CancelAsync();
                return false;
            }
            _revision++;
            Holder = renewed;
            return true;
        }
        finally
        {
            _write.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        await _write.WaitAsync(CancellationToken.None);
        try
        {
            // Released = expired now; written only if still ours.
            if (!_lost.IsCancellationRequested)
            {
                var released = Holder with { ExpiresAt = _lease.Time.GetUtcNow() };
                await _lease.Views.TryWriteAsync(RebuildLease.Row(released, _revision + 1), _revision, CancellationToken.None);
            }
        }
        finally
        {
            _write.Release();
            _write.Dispose();
            _lost.Dispose();
            _stop.Dispose();
        }
    }

    private async Task RenewLoopAsync()
    {
        using var timer = new PeriodicTimer(_lease.Duration / 3, _lease.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    if (!await RenewAsync(_stop.Token)) return;
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    // The store unreachable for a moment: the next tick tries again. Two more chances come before the
                    // expiry; if the lease was taken meanwhile, that renewal says so.
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
