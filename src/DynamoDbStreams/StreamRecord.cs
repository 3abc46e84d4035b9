using System.Numerics;
using Amazon.DynamoDBv2.Model;

namespace EventBot.DynamoDbStreams;

/// <summary>What happened to the item.</summary>
public enum StreamEventName
{
    Insert,
    Modify,
    Remove,
}

/// <summary>Who made the change; set by DynamoDB for TTL deletes (<c>Service</c> / <c>dynamodb.amazonaws.com</c>).</summary>
public sealed record StreamUserIdentity(string? Type, string? PrincipalId)
{
    public bool IsTimeToLiveDelete =>
        Type == "Service" && PrincipalId == "dynamodb.amazonaws.com";
}

/// <summary>
/// One DynamoDB Streams record, as GetRecords returns it and as Lambda delivers it; the Streams poller and the
/// Lambda handler both hand the projector this shape.
/// </summary>
public sealed record StreamRecord
{
    public required string EventId { get; init; }

    public required StreamEventName EventName { get; init; }

    /// <summary>The sequence number as sent (Lambda's <c>itemIdentifier</c>, a checkpoint's value).</summary>
    public required string SequenceNumber { get; init; }

    /// <summary>The sequence number as a number, for ordering: they are decimal strings of up to 40 digits.</summary>
    public required BigInteger SequenceOrder { get; init; }

    /// <summary>Approximate time of the change; absent in some samples. Sent in seconds or milliseconds since the epoch.</summary>
    public DateTimeOffset? ApproximateCreationDateTime { get; init; }

    public required Dictionary<string, AttributeValue> Keys { get; init; }

    public Dictionary<string, AttributeValue>? NewImage { get; init; }

    public Dictionary<string, AttributeValue>? OldImage { get; init; }

    public long? SizeBytes { get; init; }

    /// <summary>KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES.</summary>
    public string? StreamViewType { get; init; }

    /// <summary>The stream ARN (Lambda events carry it; GetRecords records do not, the poller knows it).</summary>
    public string? EventSourceArn { get; init; }

    public string? AwsRegion { get; init; }

    public string? EventSource { get; init; }

    public string? EventVersion { get; init; }

    public StreamUserIdentity? UserIdentity { get; init; }
}
