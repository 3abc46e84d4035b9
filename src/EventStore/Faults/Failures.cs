using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace EventBot.EventStore.Faults;

/// <summary>What kind of failure an exception is: transient ones go away by themselves, the rest never do.</summary>
public enum FailureKind
{
    /// <summary>Decode, apply, validation, access denied, a missing table: trying again gives the same answer.</summary>
    Deterministic,

    /// <summary><c>ThrottlingException</c>, <c>ProvisionedThroughputExceededException</c>, <c>RequestLimitExceeded</c>, 429, Streams' <c>LimitExceededException</c>, SQS's <c>RequestThrottled</c>.</summary>
    Throttled,

    /// <summary>A 5xx answer (<c>InternalServerError</c>, <c>ServiceUnavailable</c>, …).</summary>
    ServerError,

    /// <summary>A <c>TransactionCanceledException</c> whose reasons are only <c>TransactionConflict</c>, <c>ThrottlingError</c> or <c>None</c>.</summary>
    TransactionConflict,

    /// <summary>A request that timed out (HttpClient's timeout, <see cref="TimeoutException"/>).</summary>
    Timeout,

    /// <summary>The connection failed or was dropped before an answer came.</summary>
    Connection,
}

/// <summary>A failure that knows its own kind (e.g. the Streams client's errors, classified by their <c>__type</c>).</summary>
public interface IClassifiedFailure
{
    FailureKind Kind { get; }
}

/// <summary>
/// The one classification of failures used everywhere: appends, checkpoints, table checks, view writes, dead-letter
/// bookkeeping, the Streams client and poller, the Lambda handler and the chat pipeline.
/// </summary>
public static class Failures
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded", "Throttling",
        "TooManyRequestsException", "LimitExceededException", "ThrottledException", "SlowDown",
        // SQS's own name for it (its JSON protocol's __type), besides the common ThrottlingException.
        "RequestThrottled",
    };

    private static readonly HashSet<string> ServerCodes = new(StringComparer.Ordinal)
    {
        "InternalServerError", "InternalFailure", "ServiceUnavailable", "InternalServerException",
    };

    /// <summary>Transient (retry it) or not. A cancellation the caller asked for is never transient.</summary>
    public static bool IsTransient(Exception exception, CancellationToken ct = default) => Classify(exception, ct) != FailureKind.Deterministic;

    public static FailureKind Classify(Exception exception, CancellationToken ct = default)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var kind = ClassifyOne(e, ct);
            if (kind != FailureKind.Deterministic) return kind;
            // Wrappers carry the real failure inside (a projection wrapping a throttled view write, the SDK wrapping a socket error).
            if (e is OperationCanceledException && ct.IsCancellationRequested) return FailureKind.Deterministic;
        }
        return exception is AggregateException { InnerExceptions.Count: > 0 } all && all.InnerExceptions.All(i => IsTransient(i, ct))
            ? Classify(all.InnerExceptions[0], ct)
            : FailureKind.Deterministic;
    }

    /// <summary>The kind of an error code and HTTP status as AWS sends them (the <c>__type</c> after its <c>#</c>).</summary>
    public static FailureKind ClassifyCode(string? errorCode, HttpStatusCode status)
    {
        var code = errorCode is null ? null : errorCode[(errorCode.LastIndexOf('#') + 1)..];
        if (code is not null && ThrottlingCodes.Contains(code)) return FailureKind.Throttled;
        if (code is not null && ServerCodes.Contains(code)) return FailureKind.ServerError;
        if (code is "TransactionConflictException" or "TransactionInProgressException") return FailureKind.TransactionConflict;
        if (status == HttpStatusCode.TooManyRequests) return FailureKind.Throttled;
        if ((int)status >= 500) return FailureKind.ServerError;
        return FailureKind.Deterministic;
    }

    /// <summary>Only conflicts, throttling and "None" among the reasons: the same transaction may well succeed next time.</summary>
    public static bool IsConflictOnly(IEnumerable<CancellationReason>? reasons)
    {
        var list = reasons?.ToList() ?? [];
        return list.Count > 0
            && list.All(r => r.Code is null or "None" or "TransactionConflict" or "ThrottlingError")
            && list.Any(r => r.Code is "TransactionConflict" or "ThrottlingError");
    }

    private static FailureKind ClassifyOne(Exception e, CancellationToken ct) => e switch
    {
        IClassifiedFailure classified => classified.Kind,
        TransactionCanceledException cancelled => IsConflictOnly(cancelled.CancellationReasons) ? FailureKind.TransactionConflict : FailureKind.Deterministic,
        AmazonServiceException service => ClassifyCode(service.ErrorCode, service.StatusCode),
        TimeoutException => FailureKind.Timeout,
        OperationCanceledException => ct.IsCancellationRequested ? FailureKind.Deterministic : FailureKind.Timeout, // HttpClient's timeout
        HttpRequestException { StatusCode: { } status } => ClassifyCode(null, status),
        HttpRequestException or SocketException or IOException => FailureKind.Connection,
        _ => FailureKind.Deterministic,
    };
}
