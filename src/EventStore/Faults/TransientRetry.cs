namespace EventBot.EventStore.Faults;

/// <summary>Exponential backoff with full jitter (AWS's recommendation): a random delay in [0, min(cap, base·2^attempt)].</summary>
public static class Backoff
{
    /// <param name="attempt">0 for the first retry.</param>
    /// <param name="random">A value in [0, 1), e.g. <see cref="Random.NextDouble"/>.</param>
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max, double random)
    {
        var ceiling = initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        ceiling = Math.Min(ceiling, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling * random);
    }
}

/// <summary>Settings of <see cref="TransientRetry"/>.</summary>
/// <param name="MaxRetries">Retries after the first attempt. Default 6: with the SDK's own 3 attempts per call, a
/// throttled call is tried up to 21 times over some seconds before the caller hears of it.</param>
/// <param name="InitialDelay">The first backoff ceiling; doubles per retry. Default 50 ms.</param>
/// <param name="MaxDelay">Backoff ceiling. Default 2 s (a chat reply should not wait longer than a few seconds in all).</param>
public sealed record RetrySettings(int MaxRetries = 6, TimeSpan? InitialDelay = null, TimeSpan? MaxDelay = null)
{
    public TimeSpan Initial => InitialDelay ?? TimeSpan.FromMilliseconds(50);

    public TimeSpan Max => MaxDelay ?? TimeSpan.FromSeconds(2);
}

/// <summary>
/// The one retry policy for transient failures (<see cref="Failures"/>): capped, jittered exponential backoff on the
/// injected <see cref="TimeProvider"/>. Deterministic failures and the caller's cancellation pass straight through;
/// after the budget the last transient failure is thrown, for the caller to answer "try again" or to try next round.
/// </summary>
public sealed class TransientRetry(RetrySettings settings, TimeProvider time, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private long _retries;

    /// <summary>Retries with the defaults on the system clock.</summary>
    public static TransientRetry Default { get; } = new(new RetrySettings(), TimeProvider.System);

    /// <summary>Never retries: for callers that retry around it themselves.</summary>
    public static TransientRetry None { get; } = new(new RetrySettings(MaxRetries: 0), TimeProvider.System);

    public RetrySettings Settings => settings;

    /// <summary>Retries made so far by this policy (all callers).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Called before each backoff: operation, retry number (1-based), delay and the failure.</summary>
    public Action<string, int, TimeSpan, Exception>? OnRetry { get; init; }

    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call(ct);
            }
            catch (Exception e) when (attempt < settings.MaxRetries && Failures.IsTransient(e, ct))
            {
                await BackoffAsync(operation, attempt, e, ct);
            }
        }
    }

    /// <summary>
    /// For callers whose failures come back as values (a batch outcome): false when the budget is spent, else waits
    /// the backoff of retry <paramref name="attempt"/> (0-based) and returns true.
    /// </summary>
    public async Task<bool> TryBackoffAsync(string operation, int attempt, Exception failure, CancellationToken ct)
    {
        if (attempt >= settings.MaxRetries || !Failures.IsTransient(failure, ct)) return false;
        await BackoffAsync(operation, attempt, failure, ct);
        return true;
    }

    private async Task BackoffAsync(string operation, int attempt, Exception e, CancellationToken ct)
    {
        var delay = Backoff.Delay(attempt, settings.Initial, settings.Max, NextDouble());
        Interlocked.Increment(ref _retries);
        OnRetry?.Invoke(operation, attempt + 1, delay, e);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, time, ct);
    }

    public Task RunAsync(string operation, Func<CancellationToken, Task> call, CancellationToken ct) =>
        RunAsync<bool>(operation, async token =>
        {
            await call(token);
            return true;
        }, ct);

    private double NextDouble()
    {
        // Random.Shared is thread-safe; a seeded Random (tests) is not.
        if (ReferenceEquals(_random, Random.Shared)) return _random.NextDouble();
        lock (_random) return _random.NextDouble();
    }
}
