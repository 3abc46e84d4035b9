using EventBot.Discord.Rest;

namespace EventBot.Discord.Gateway;

/// <summary>
/// Identify spacing from the Gateway docs, shared by every shard of a process: a shard's rate-limit key (bucket) is
/// <c>shard_id % max_concurrency</c>; each bucket identifies at most once per 5 s and buckets go in parallel. A
/// process's shards identify in id order within their bucket at start (shards 0 and 1 together with max_concurrency 2,
/// then 2 and 3 five seconds later). While <c>session_start_limit.remaining</c> is exhausted nobody identifies until
/// <c>reset_after</c> has passed; that wait is reported once for the whole process, not per shard.
/// </summary>
/// <remarks>
/// The budget is the lowest <c>remaining</c> the shards have read from <c>GET /gateway/bot</c>, less the identifies this
/// gate has let through since, so shards that read it together do not all spend the last one. Spacing is per
/// process: processes that split one bot's shards coordinate only through Discord (see the README on sharding).
/// </remarks>
internal sealed class IdentifyGate
{
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time;
    private readonly int[] _shards;
    private readonly DateTimeOffset _origin;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, DateTimeOffset> _lastByBucket = [];
    private readonly HashSet<int> _identified = [];
    private DateTimeOffset? _exhaustedUntil;
    private long? _budget;
    private DateTimeOffset _budgetResetAt;
    private long _granted;
    private int _sleeping;

    /// <param name="shards">The shards of this process, which fixes their order at start; empty for a lone shard.</param>
    public IdentifyGate(TimeProvider time, IEnumerable<int>? shards = null)
    {
        _time = time;
        _shards = [.. (shards ?? []).Order()];
        _origin = time.GetUtcNow();
    }

    /// <summary>Callers asleep on the clock, their wake-up already scheduled (tests move a fake clock only once it is).</summary>
    internal int Sleeping => Volatile.Read(ref _sleeping);

    /// <summary>Identifies let through so far.</summary>
    internal long Granted
    {
        get
        {
            lock (_gate)
                return _granted;
        }
    }

    public Task WaitAsync(DiscordSessionStartLimit limit, Action<TimeSpan, string> onWait, CancellationToken ct) => WaitAsync(0, limit, onWait, ct);

    /// <summary>Returns when <paramref name="shardId"/> may identify; <paramref name="onWait"/> explains a delay (once per call).</summary>
    /// <param name="limit">What <c>GET /gateway/bot</c> answered just now.</param>
    public async Task WaitAsync(int shardId, DiscordSessionStartLimit limit, Action<TimeSpan, string> onWait, CancellationToken ct)
    {
        var maxConcurrency = Math.Max(1, limit.MaxConcurrency);
        var bucket = shardId % maxConcurrency;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_budget is null || now >= _budgetResetAt)
                (_budget, _budgetResetAt) = (limit.Remaining, now + limit.ResetAfter);
            else
                _budget = Math.Min(_budget.Value, limit.Remaining); // a fresher count, or one that missed our own identifies
        }

        var explained = false;
        while (true)
        {
            TimeSpan wait;
            string? why = null;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                if (_exhaustedUntil is { } until && now >= until)
                {
                    // The day's budget is back; counts read from GET /gateway/bot from now on lower it again.
                    _exhaustedUntil = null;
                    (_budget, _budgetResetAt) = (Math.Max(1, limit.Total), now + TimeSpan.FromDays(1));
                }

                if (_exhaustedUntil is { } exhausted)
                {
                    // Another shard found the budget spent and said so: wait for the same reset, quietly.
                    wait = exhausted - now;
                }
                else if (_budget <= 0)
                {
                    wait = limit.ResetAfter;
                    _exhaustedUntil = now + wait;
                    why = $"session_start_limit.remaining is 0: the bot has used all {limit.Total} identifies Discord allows per day; every shard of this process waits for the reset";
                }
                else
                {
                    var slot = SlotOf(shardId, bucket, maxConcurrency);
                    if (now >= slot)
                    {
                        _lastByBucket[bucket] = now;
                        _identified.Add(shardId);
                        _granted++;
                        _budget--;
                        return;
                    }

                    wait = slot - now;
                    if (!explained)
                    {
                        why = maxConcurrency == 1 ? "one identify per 5 s" : $"one identify per 5 s per bucket (shard {shardId} is in bucket {bucket} of {maxConcurrency})";
                        explained = true;
                    }
                }
            }

            if (why is not null) onWait(wait, why);
            if (wait <= TimeSpan.Zero) continue;
            var sleep = Task.Delay(wait, _time, ct);
            Interlocked.Increment(ref _sleeping);
            try
            {
                await sleep;
            }
            finally
            {
                Interlocked.Decrement(ref _sleeping);
            }
        }
    }

    /// <summary>
    /// 5 s after the bucket's last identify; and a shard's first identify waits its turn behind the lower shards of its
    /// bucket (planned from when the gate was made), so start-up order does not depend on which REST answer came first.
    /// </summary>
    private DateTimeOffset SlotOf(int shardId, int bucket, int maxConcurrency)
    {
        var slot = _lastByBucket.TryGetValue(bucket, out var last) ? last + Spacing : DateTimeOffset.MinValue;
        if (!_identified.Contains(shardId))
        {
            var turn = _shards.Count(s => s < shardId && s % maxConcurrency == bucket);
            var planned = _origin + (Spacing * turn);
            if (planned > slot) slot = planned;
        }
        return slot;
    }
}
