using Microsoft.Extensions.Options;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>Settings of the DynamoDB Streams poller (section <c>Projections:StreamsPoller</c>).</summary>
public sealed class StreamsPollerOptions
{
    public const string Section = "Projections:StreamsPoller";

    /// <summary>The events table whose latest stream is read (DescribeTable's <c>LatestStreamArn</c>). Required unless <see cref="StreamArn"/> is set.</summary>
    public string? TableName { get; set; }

    /// <summary>A fixed stream ARN; wins over <see cref="TableName"/>. Default null.</summary>
    public string? StreamArn { get; set; }

    /// <summary>Pause between polling rounds once every shard is caught up. Default 250 ms: low lag, and within the 5 GetRecords calls/s AWS allows per shard.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>GetRecords <c>Limit</c>, 1–1000, which is also the largest batch handed to the handler. Default 1000.</summary>
    public int BatchLimit { get; set; } = 1000;

    /// <summary>How often DescribeStream runs to find new shards (splits, new shards every few hours). Default 60 s;
    /// a shard that closes triggers one sooner.</summary>
    public TimeSpan RediscoveryPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>GetRecords pages read from one shard in one round, so one busy shard cannot starve the others. Default 10.</summary>
    public int MaxPagesPerShardPerRound { get; set; } = 10;

    /// <summary>
    /// Shards read side by side in a round (each shard's pages still in order, children after their parents). A busy
    /// table's stream has many open shards; read one after the other, each waited for every other's apply. Default 8.
    /// </summary>
    public int MaxShardsInParallel { get; set; } = 8;

    /// <summary>First backoff after throttling or a 5xx; doubles per attempt, with full jitter. Default 100 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Backoff ceiling. Default 20 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Retries of one throttled or failing call before the round gives up (the next round starts over). Default 8.</summary>
    public int MaxRetries { get; set; } = 8;

    /// <summary>
    /// Follow the stream from the first discovery on instead of reading its 24 h history: shards open then get a
    /// LATEST iterator at once and shards already closed are skipped; shards found later are read from their start
    /// (they were created after it). LATEST is never taken again: a shard without a checkpoint whose iterator is lost,
    /// or could not be had at the start, re-reads from TRIM_HORIZON, so nothing after the start is skipped.
    /// Default false (the projector reads everything).
    /// </summary>
    public bool StartAtLatest { get; set; }

    /// <summary>A copy, for a reader that starts from these settings and changes some.</summary>
    public StreamsPollerOptions Copy() => (StreamsPollerOptions)MemberwiseClone();
}

/// <summary>Checks <see cref="StreamsPollerOptions"/> at start (<c>ValidateOnStart</c>).</summary>
public sealed class StreamsPollerOptionsValidator : IValidateOptions<StreamsPollerOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamsPollerOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TableName) && string.IsNullOrWhiteSpace(options.StreamArn))
            errors.Add("Set TableName (the events table) or StreamArn.");
        if (options.BatchLimit is < 1 or > 1000)
            errors.Add($"BatchLimit must be 1–1000, not {options.BatchLimit}.");
        if (options.PollInterval <= TimeSpan.Zero)
            errors.Add("PollInterval must be positive.");
        if (options.RediscoveryPeriod <= TimeSpan.Zero)
            errors.Add("RediscoveryPeriod must be positive.");
        if (options.MaxPagesPerShardPerRound < 1)
            errors.Add("MaxPagesPerShardPerRound must be at least 1.");
        if (options.MaxShardsInParallel < 1)
            errors.Add("MaxShardsInParallel must be at least 1.");
        if (options.InitialBackoff < TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
            errors.Add("Need 0 <= InitialBackoff <= MaxBackoff.");
        if (options.MaxRetries < 0)
            errors.Add("MaxRetries must not be negative.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
