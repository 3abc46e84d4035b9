namespace EventBot.Bot.Chat;

/// <summary>
/// Runs work of different lanes (Discord servers; a DM is its own lane) in parallel and each lane's work one item at a
/// time in the order it was queued: one slow server no longer holds every other server's commands, while a server's
/// own commands still answer in order. At most <c>maxParallel</c> items run at once and at most <c>capacity</c> wait;
/// <see cref="EnqueueAsync"/> waits for room beyond that, which pushes back on the gateway's bounded queue.
/// </summary>
public sealed class GuildLanes(int maxParallel, int capacity = GuildLanes.DefaultCapacity) : IDisposable
{
    /// <summary>Items queued or running across every lane before <see cref="EnqueueAsync"/> waits.</summary>
    public const int DefaultCapacity = 256;

    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _running = new(maxParallel, maxParallel);
    private readonly SemaphoreSlim _room = new(capacity, capacity);
    private readonly Lock _gate = new();

    /// <summary>Queues <paramref name="work"/> behind the lane's earlier work. Failures of work are the caller's to catch.</summary>
    public async Task EnqueueAsync(string lane, Func<Task> work, CancellationToken ct)
    {
        await _room.WaitAsync(ct);
        lock (_gate)
        {
            if (!_lanes.TryGetValue(lane, out var queue)) _lanes[lane] = queue = new Lane();
            queue.Pending++;
            queue.Tail = RunAsync(lane, queue, queue.Tail, work);
        }
    }

    /// <summary>Completes when everything queued so far has run.</summary>
    public Task DrainAsync()
    {
        lock (_gate)
            return Task.WhenAll(_lanes.Values.Select(l => l.Tail).ToList());
    }

    /// <summary>Items queued or running (for logs and tests).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
                return _lanes.Values.Sum(l => l.Pending);
        }
    }

    public void Dispose()
    {
        _running.Dispose();
        _room.Dispose();
    }

    private async Task RunAsync(string name, Lane lane, Task previous, Func<Task> work)
    {
        // Always yield first: the caller holds the lock, and work must never run inside it.
        await previous.ConfigureAwait(ConfigureAwaitOptions.ForceYielding | ConfigureAwaitOptions.SuppressThrowing);
        await _running.WaitAsync(CancellationToken.None);
        try
        {
            await work();
        }
        catch
        {
            // The caller's work reports its own failures; a lane must keep going after one.
        }
        finally
        {
            _running.Release();
            _room.Release();
            lock (_gate)
            {
                if (--lane.Pending == 0) _lanes.Remove(name);
            }
        }
    }

    private sealed class Lane
    {
        public Task Tail { get; set; } = Task.CompletedTask;

        public int Pending { get; set; }
    }
}
