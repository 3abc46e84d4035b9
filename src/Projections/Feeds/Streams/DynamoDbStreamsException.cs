using System.Net;
using EventBot.EventStore.Faults;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>The error kinds DynamoDB Streams answers with (the JSON <c>__type</c> after the <c>#</c>).</summary>
public enum StreamsErrorKind
{
    /// <summary>Anything not listed here; not retried.</summary>
    Other,

    /// <summary>The shard iterator is older than 15 minutes: get a new one from the checkpoint.</summary>
    ExpiredIterator,

    /// <summary>The requested position is beyond the 24 h retention (or the stream was disabled): data was lost.</summary>
    TrimmedDataAccess,

    /// <summary>No such stream or shard.</summary>
    ResourceNotFound,

    /// <summary>Too many concurrent control-plane calls (DescribeStream, ListStreams).</summary>
    LimitExceeded,

    /// <summary>ThrottlingException or ProvisionedThroughputExceededException.</summary>
    Throttling,

    /// <summary>InternalServerError, or any 5xx answer.</summary>
    InternalServerError,
}

/// <summary>A failed DynamoDB Streams call.</summary>
public sealed class DynamoDbStreamsException : Exception, IClassifiedFailure
{
    public DynamoDbStreamsException(string operation, StreamsErrorKind kind, string? errorType, HttpStatusCode statusCode, string? serviceMessage)
        : base($"DynamoDB Streams {operation} failed: {(int)statusCode} {errorType ?? "(no __type)"}: {serviceMessage}")
    {
        Operation = operation;
        Kind = kind;
        ErrorType = errorType;
        StatusCode = statusCode;
        ServiceMessage = serviceMessage;
    }

    public DynamoDbStreamsException()
    {
        Operation = "";
    }

    public DynamoDbStreamsException(string message)
        : base(message)
    {
        Operation = "";
    }

    public DynamoDbStreamsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "";
    }

    public string Operation { get; }

    public StreamsErrorKind Kind { get; }

    /// <summary>The <c>__type</c> as sent, e.g. <c>com.amazonaws.dynamodb.v20120810#ExpiredIteratorException</c>.</summary>
    public string? ErrorType { get; }

    public HttpStatusCode StatusCode { get; }

    public string? ServiceMessage { get; }

    /// <summary>Throttling, limits and server errors go away by themselves: back off and try again.</summary>
    public bool IsRetryable => Kind is StreamsErrorKind.Throttling or StreamsErrorKind.LimitExceeded or StreamsErrorKind.InternalServerError;

    /// <summary>Its kind in the one classification (<see cref="Failures"/>) every caller retries by.</summary>
    FailureKind IClassifiedFailure.Kind => Kind switch
    {
        StreamsErrorKind.Throttling or StreamsErrorKind.LimitExceeded => FailureKind.Throttled,
        StreamsErrorKind.InternalServerError => FailureKind.ServerError,
        _ => FailureKind.Deterministic,
    };

    internal static StreamsErrorKind Classify(string? errorType, HttpStatusCode statusCode)
    {
        var name = errorType is null ? null : errorType[(errorType.LastIndexOf('#') + 1)..];
        var kind = name switch
        {
            "ExpiredIteratorException" => StreamsErrorKind.ExpiredIterator,
            "TrimmedDataAccessException" => StreamsErrorKind.TrimmedDataAccess,
            "ResourceNotFoundException" => StreamsErrorKind.ResourceNotFound,
            "LimitExceededException" => StreamsErrorKind.LimitExceeded,
            "ThrottlingException" or "ProvisionedThroughputExceededException" or "RequestLimitExceeded" => StreamsErrorKind.Throttling,
            "InternalServerError" or "InternalFailure" or "ServiceUnavailable" => StreamsErrorKind.InternalServerError,
            _ => StreamsErrorKind.Other,
        };
        if (kind == StreamsErrorKind.Other && (int)statusCode >= 500)
            return StreamsErrorKind.InternalServerError;
        if (kind == StreamsErrorKind.Other && statusCode == HttpStatusCode.TooManyRequests)
            return StreamsErrorKind.Throttling;
        return kind;
    }
}
