namespace EventBot.Discord.Gateway;

/// <summary>
/// The gateway allows 120 sends per 60 s per connection; exceeding it closes with 4008. Heartbeats are never delayed
/// (a late heartbeat kills the session), so a few slots are kept for them and everything else waits for a free slot.
/// </summary>
internal sealed class GatewaySendLimiter(TimeProvider time, int limit = 120, TimeSpan? window = null, int heartbeatReserve = 3)
{
    private readonly TimeSpan _window = window ?? TimeSpan.FromSeconds(60);
    private readonly Queue<long> _sentAt = new();
    private readonly Lock _gate = new();

    public async ValueTask AcquireAsync(bool heartbeat, CancellationToken ct)
    {
        while (true)
        {
            var wait = TryAcquire(heartbeat);
            if (wait <= TimeSpan.Zero)
                return;
            await Task.Delay(wait, time, ct);
        }
    }

    /// <summary>Takes a slot and returns zero, or returns how long until one frees up.</summary>
    internal TimeSpan TryAcquire(bool heartbeat)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            while (_sentAt.Count > 0 && time.GetElapsedTime(_sentAt.Peek(), now) >= _window)
                _sentAt.Dequeue();
            if (heartbeat || _sentAt.Count < limit - heartbeatReserve)
            {
                _sentAt.Enqueue(now);
                return TimeSpan.Zero;
            }

            var wait = _window - time.GetElapsedTime(_sentAt.Peek(), now);
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromTicks(1);
        }
    }
}
