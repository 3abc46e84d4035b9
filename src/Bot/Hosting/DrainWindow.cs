namespace EventBot.Bot.Hosting;

/// <summary>
/// The time a stopping adapter has to finish what it has already read: <see cref="Token"/> stays live while the host
/// runs and for <c>EVENTBOT_SHUTDOWN_SECONDS</c> after it starts stopping. Work that must finish uses this token, not
/// the host's stopping token (which would cancel an answer half-way). Wall-clock on purpose, like the host's own
/// shutdown timeout it has to fit in.
/// </summary>
public sealed class DrainWindow : IDisposable
{
    private readonly CancellationTokenSource _drain = new();
    private readonly CancellationTokenRegistration _registration;

    public DrainWindow(TimeSpan budget, CancellationToken stopping)
    {
        Budget = budget;
        _registration = stopping.Register(() =>
        {
            try
            {
                _drain.CancelAfter(budget);
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        });
    }

    public TimeSpan Budget { get; }

    public CancellationToken Token => _drain.Token;

    public void Dispose()
    {
        _registration.Dispose();
        _drain.Dispose();
    }
}
