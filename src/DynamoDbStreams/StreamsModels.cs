namespace EventBot.DynamoDbStreams;

/// <summary>Where GetShardIterator starts reading.</summary>
public enum ShardIteratorType
{
    /// <summary>The oldest record still in the shard (24 h retention).</summary>
    TrimHorizon,

    /// <summary>Only records written after the call.</summary>
    Latest,

    /// <summary>At the given sequence number (it is read again).</summary>
    AtSequenceNumber,

    /// <summary>Right after the given sequence number (resume from a checkpoint).</summary>
    AfterSequenceNumber,
}

/// <summary>One stream as ListStreams names it.</summary>
public sealed record StreamSummary(string StreamArn, string? TableName, string? StreamLabel);

/// <summary>One page of ListStreams.</summary>
public sealed record ListStreamsPage(IReadOnlyList<StreamSummary> Streams, string? LastEvaluatedStreamArn);

/// <summary>A shard; <see cref="EndingSequenceNumber"/> is set once the shard is closed (no more writes).</summary>
public sealed record StreamShard(string ShardId, string? ParentShardId, string? StartingSequenceNumber, string? EndingSequenceNumber)
{
    public bool IsClosed => EndingSequenceNumber is not null;
}

/// <summary>One page of DescribeStream; <see cref="LastEvaluatedShardId"/> non-null means more shards follow.</summary>
public sealed record StreamDescription(
    string StreamArn,
    string? StreamStatus,
    string? StreamViewType,
    string? TableName,
    IReadOnlyList<StreamShard> Shards,
    string? LastEvaluatedShardId);

/// <summary>A GetRecords answer; <see cref="NextShardIterator"/> is null once a closed shard is fully read.</summary>
public sealed record GetRecordsResult(IReadOnlyList<StreamRecord> Records, string? NextShardIterator);
