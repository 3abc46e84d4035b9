namespace EventBot.Projections.Feeds.Streams;

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
