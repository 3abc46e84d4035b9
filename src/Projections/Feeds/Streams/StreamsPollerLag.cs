namespace EventBot.Projections.Feeds.Streams;

/// <summary>DynamoDB Streams poller: its own lag (newest record time, time behind); events behind are not knowable.</summary>
public sealed class StreamsPollerLag(StreamsPoller poller, TimeProvider time) : IFeedLagSource
{
    public string Feed => "dynamodb-streams";

    public Task<FeedLag> MeasureAsync(CancellationToken ct)
    {
        var lag = poller.Lag;
        return Task.FromResult(new FeedLag(Feed, $"{lag.ShardsBehind} shard(s) behind", lag.NewestRecordTime, lag.Behind?.TotalSeconds, null, time.GetUtcNow()));
    }
}
