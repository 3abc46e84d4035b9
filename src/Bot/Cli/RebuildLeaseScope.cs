using System.Globalization;
using EventBot.Projections.Leases;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Cli;

/// <summary>
/// The rebuild lease around a CLI verb (<c>replay</c>, <c>replay --verify</c>, <c>projections retry</c>): either this run
/// holds it (<see cref="Token"/> is the verb's token, also cancelled if the lease is lost) or <see cref="BusyExit"/> is
/// the exit code after saying who holds it.
/// </summary>
public sealed class RebuildLeaseScope : IAsyncDisposable
{
    /// <summary>Exit code when another rebuild holds the lease: EX_TEMPFAIL, "try again later".</summary>
    public const int BusyExitCode = 75;

    private readonly HeldLease? _held;
    private readonly CancellationTokenSource? _linked;

    private RebuildLeaseScope(HeldLease? held, int? busyExit, CancellationToken ct)
    {
        _held = held;
        BusyExit = busyExit;
        if (held is null)
        {
            Token = ct;
            return;
        }
        _linked = CancellationTokenSource.CreateLinkedTokenSource(ct, held.Lost);
        Token = _linked.Token;
    }

    public int? BusyExit { get; }

    public CancellationToken Token { get; }

    public static async Task<RebuildLeaseScope> AcquireAsync(IServiceProvider services, string purpose, CancellationToken ct)
    {
        var lease = services.GetRequiredService<RebuildLease>();
        return await lease.TryAcquireAsync(purpose, ct) switch
        {
            LeaseAttempt.Acquired acquired => new RebuildLeaseScope(acquired.Lease, null, ct),
            LeaseAttempt.Busy busy => new RebuildLeaseScope(null, Cli.Fail(Describe(busy.Holder), BusyExitCode), ct),
            _ => throw new InvalidOperationException("Unknown lease attempt."),
        };
    }

    public static string Describe(LeaseHolder holder) => string.Create(CultureInfo.InvariantCulture,
        $"a rebuild is already running: `{holder.Purpose}` on {holder.Host} (pid {holder.Pid}) since {holder.Since:yyyy-MM-dd HH:mm:ss} UTC; " +
        $"try again when it has finished (if that process is gone, its lease expires at {holder.ExpiresAt:HH:mm:ss} UTC)");

    public async ValueTask DisposeAsync()
    {
        if (_held is null) return;
        if (_held.Lost.IsCancellationRequested)
            Cli.Fail("stopped: the rebuild lease expired and another run took it over (was this process paused?)");
        await _held.DisposeAsync();
        _linked?.Dispose();
    }
}
