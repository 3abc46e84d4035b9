using EventBot.Domain.Common;

namespace EventBot.Bot.Chat;

/// <summary>What the rate limiter decided about one command.</summary>
public abstract record RateDecision
{
    private RateDecision() { }

    public static readonly RateDecision Allowed = new Allow();

    public sealed record Allow : RateDecision;

    /// <summary>Limited; <paramref name="Tell"/> is true for the first limited command of a burst only (one reply, not one per message).</summary>
    public sealed record Limited(TimeSpan RetryAfter, bool Tell) : RateDecision;
}

/// <summary>
/// A token bucket per user: <c>burst</c> commands in a row, then <c>perMinute</c> a minute. Time comes from the
/// <see cref="TimeProvider"/>, so tests step it. Users whose bucket has refilled are forgotten, which bounds memory.
/// </summary>
public sealed class UserRateLimiter(int burst, int perMinute, TimeProvider time)
{
    private const int ForgetAbove = 10_000;
    private const double Epsilon = 1e-9;
    private readonly Dictionary<UserId, Bucket> _buckets = [];
    private readonly Lock _gate = new();

    public bool Enabled => perMinute > 0;

    public RateDecision Take(UserId user)
    {
        if (!Enabled) return RateDecision.Allowed;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_buckets.TryGetValue(user, out var bucket))
            {
                if (_buckets.Count >= ForgetAbove) ForgetRefilled(now);
                _buckets[user] = bucket = new Bucket { Tokens = burst, At = now };
            }
            Refill(bucket, now);
            if (bucket.Tokens >= 1 - Epsilon) // sums of fractions of a minute are not exact in binary
            {
                bucket.Tokens -= 1;
                bucket.Told = false;
                return RateDecision.Allowed;
            }
            var retryAfter = TimeSpan.FromMinutes(Math.Max(0, 1 - bucket.Tokens) / perMinute);
            var tell = !bucket.Told;
            bucket.Told = true;
            return new RateDecision.Limited(retryAfter, tell);
        }
    }

    private void Refill(Bucket bucket, DateTimeOffset now)
    {
        var elapsed = now - bucket.At;
        if (elapsed > TimeSpan.Zero) bucket.Tokens = Math.Min(burst, bucket.Tokens + (elapsed.TotalMinutes * perMinute));
        bucket.At = now;
    }

    private void ForgetRefilled(DateTimeOffset now)
    {
        foreach (var (user, bucket) in _buckets.ToList())
        {
            Refill(bucket, now);
            if (bucket.Tokens >= burst - Epsilon) _buckets.Remove(user);
        }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset At { get; set; }

        public bool Told { get; set; }
    }
}
