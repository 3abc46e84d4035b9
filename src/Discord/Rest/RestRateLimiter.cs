using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;

namespace EventBot.Discord.Rest;

/// <summary>
/// Per-bucket and global REST rate limits as the Rate Limits docs describe them: learn each route's
/// <c>X-RateLimit-Bucket</c>, wait <c>X-RateLimit-Reset-After</c> once <c>X-RateLimit-Remaining</c> hits 0,
/// and pause everything while a global limit is in force. Interaction routes are outside the global limit (docs:
/// "Interaction endpoints are not bound to the bot's Global Rate Limit") but keep their own buckets; there is one per
/// interaction, so their state is pruned once it has expired.
/// </summary>
internal sealed class RestRateLimiter(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _bucketHashByTemplate = [];
    private readonly Dictionary<string, BucketState> _buckets = [];

    // One request in flight per route: the headers of one response tell whether the next may go.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _routeLocks = new();
    private readonly Queue<DateTimeOffset> _recentRequests = new();
    private DateTimeOffset _globalResumeAt = DateTimeOffset.MinValue;

    /// <summary>The documented global limit for bots.</summary>
    public const int GlobalRequestsPerSecond = 50;

    /// <summary>Above this many bucket states, expired ones are dropped (each interaction adds its own).</summary>
    internal const int PruneThreshold = 1_024;

    /// <summary>Bucket states held now (tests: interaction buckets must not pile up).</summary>
    internal int BucketCount
    {
        get
        {
            lock (_gate)
                return _buckets.Count;
        }
    }

    private sealed class BucketState
    {
        public int? Remaining;
        public DateTimeOffset ResetAt = DateTimeOffset.MinValue;
    }

    /// <summary>Waits until <paramref name="route"/> may be requested; dispose the result after the response is recorded.</summary>
    public async Task<IDisposable> AcquireAsync(DiscordRoute route, Action<TimeSpan, bool> onWait, CancellationToken ct)
    {
        if (route.Interaction)
        {
            // No in-flight lock: each interaction is its own bucket (a lock per interaction would only pile up), and
            // its few calls (callback, then edits and follow-ups) follow one another anyway.
            await WaitUntilFreeAsync(route, onWait, ct);
            return NoLock.Instance;
        }

        var routeLock = _routeLocks.GetOrAdd(route.Key, _ => new SemaphoreSlim(1, 1));
        await routeLock.WaitAsync(ct);
        try
        {
            await WaitUntilFreeAsync(route, onWait, ct);
            return new Releaser(routeLock);
        }
        catch
        {
            routeLock.Release();
            throw;
        }
    }

    private async Task WaitUntilFreeAsync(DiscordRoute route, Action<TimeSpan, bool> onWait, CancellationToken ct)
    {
        while (true)
        {
            var (wait, global) = NextWait(route);
            if (wait <= TimeSpan.Zero)
                return;
            onWait(wait, global);
            await Task.Delay(wait, time, ct);
        }
    }

    /// <summary>Records the limit headers of any response (success or not).</summary>
    public void Update(DiscordRoute route, HttpResponseHeaders headers)
    {
        var hash = Header(headers, "X-RateLimit-Bucket");
        var remaining = Header(headers, "X-RateLimit-Remaining");
        var resetAfter = Header(headers, "X-RateLimit-Reset-After");
        lock (_gate)
        {
            if (hash is not null)
                _bucketHashByTemplate[route.TemplateKey] = hash;
            if (remaining is null || !int.TryParse(remaining, NumberStyles.Integer, CultureInfo.InvariantCulture, out var left))
                return;
            var state = StateFor(route);
            state.Remaining = left;
            state.ResetAt = double.TryParse(resetAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                ? time.GetUtcNow() + TimeSpan.FromSeconds(seconds)
                : time.GetUtcNow();
        }
    }

    /// <summary>After a 429: block this route's bucket, or every request when the limit is global.</summary>
    public void Block(DiscordRoute route, TimeSpan retryAfter, bool global)
    {
        lock (_gate)
        {
            var until = time.GetUtcNow() + retryAfter;
            // An interaction route never pauses the bot's other requests: it is outside the global limit.
            if (global && !route.Interaction)
            {
                if (until > _globalResumeAt)
                    _globalResumeAt = until;
                return;
            }

            var state = StateFor(route);
            state.Remaining = 0;
            if (until > state.ResetAt)
                state.ResetAt = until;
        }
    }

    private (TimeSpan Wait, bool Global) NextWait(DiscordRoute route)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (route.Interaction)
                return NextBucketWait(route, now);
            if (_globalResumeAt > now)
                return (_globalResumeAt - now, true);

            // Docs: a bot may make at most 50 requests per second across all routes.
            while (_recentRequests.Count > 0 && now - _recentRequests.Peek() >= TimeSpan.FromSeconds(1))
                _recentRequests.Dequeue();
            if (_recentRequests.Count >= GlobalRequestsPerSecond)
                return (_recentRequests.Peek() + TimeSpan.FromSeconds(1) - now, true);
            var wait = NextBucketWait(route, now);
            if (wait.Wait <= TimeSpan.Zero)
                _recentRequests.Enqueue(now);
            return wait;
        }
    }

    private (TimeSpan Wait, bool Global) NextBucketWait(DiscordRoute route, DateTimeOffset now)
    {
        var state = StateFor(route);
        if (state.Remaining is 0 && state.ResetAt > now)
            return (state.ResetAt - now, false);
        if (state.Remaining is 0)
            state.Remaining = null; // the window has reset; the next response tells the new count.
        else if (state.Remaining is > 0)
            state.Remaining--; // requests on other routes of the same bucket count too.
        return (TimeSpan.Zero, false);
    }

    /// <summary>An expired state means nothing (the next request goes at once), so dropping it changes no wait.</summary>
    private void PruneIfLarge()
    {
        if (_buckets.Count <= PruneThreshold)
            return;
        var now = time.GetUtcNow();
        foreach (var key in _buckets.Where(b => b.Value.ResetAt <= now).Select(b => b.Key).ToList())
            _buckets.Remove(key);
    }

    private BucketState StateFor(DiscordRoute route)
    {
        var key = _bucketHashByTemplate.TryGetValue(route.TemplateKey, out var hash)
            ? $"{hash}:{route.MajorParameter}"
            : route.Key;
        if (!_buckets.TryGetValue(key, out var state))
        {
            // Waiting creates a state too, and an answer without limit headers never updates it: prune here.
            PruneIfLarge();
            state = new BucketState();
            _buckets[key] = state;
        }

        return state;
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }

    private sealed class Releaser(SemaphoreSlim routeLock) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                routeLock.Release();
        }
    }
}
