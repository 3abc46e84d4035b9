using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using EventBot.EventStore.Faults;

namespace EventBot.EventStore.Tests.Faults;

/// <summary>One classification of failures: each kind AWS and the network really throw, and what stays deterministic.</summary>
public sealed class FailuresTests
{
    private static AmazonDynamoDBException Service(string code, HttpStatusCode status) =>
        new($"{code} injected", ErrorType.Unknown, code, "req-1", status);

    [Theory]
    [InlineData("ThrottlingException", HttpStatusCode.BadRequest, FailureKind.Throttled)]
    [InlineData("ProvisionedThroughputExceededException", HttpStatusCode.BadRequest, FailureKind.Throttled)]
    [InlineData("RequestLimitExceeded", HttpStatusCode.BadRequest, FailureKind.Throttled)]
    [InlineData("com.amazonaws.sqs#RequestThrottled", HttpStatusCode.BadRequest, FailureKind.Throttled)]
    [InlineData("com.amazonaws.dynamodb.v20120810#ThrottlingException", HttpStatusCode.BadRequest, FailureKind.Throttled)]
    [InlineData("", HttpStatusCode.TooManyRequests, FailureKind.Throttled)]
    [InlineData("InternalServerError", HttpStatusCode.InternalServerError, FailureKind.ServerError)]
    [InlineData("ServiceUnavailable", HttpStatusCode.ServiceUnavailable, FailureKind.ServerError)]
    [InlineData("", HttpStatusCode.BadGateway, FailureKind.ServerError)]
    [InlineData("TransactionConflictException", HttpStatusCode.BadRequest, FailureKind.TransactionConflict)]
    [InlineData("ValidationException", HttpStatusCode.BadRequest, FailureKind.Deterministic)]
    [InlineData("AccessDeniedException", HttpStatusCode.BadRequest, FailureKind.Deterministic)]
    [InlineData("ResourceNotFoundException", HttpStatusCode.BadRequest, FailureKind.Deterministic)]
    public void Service_errors_are_classified_by_code_and_status(string code, HttpStatusCode status, FailureKind expected)
    {
        Assert.Equal(expected, Failures.Classify(Service(code, status)));
        Assert.Equal(expected != FailureKind.Deterministic, Failures.IsTransient(Service(code, status)));
    }

    [Fact]
    public void The_SDKs_own_throttling_exception_types_are_transient()
    {
        Assert.Equal(FailureKind.Throttled, Failures.Classify(new ProvisionedThroughputExceededException("slow down") { ErrorCode = "ProvisionedThroughputExceededException", StatusCode = HttpStatusCode.BadRequest }));
        Assert.Equal(FailureKind.Throttled, Failures.Classify(new RequestLimitExceededException("slow down") { ErrorCode = "RequestLimitExceeded", StatusCode = HttpStatusCode.BadRequest }));
        Assert.Equal(FailureKind.ServerError, Failures.Classify(new InternalServerErrorException("oops") { ErrorCode = "InternalServerError", StatusCode = HttpStatusCode.InternalServerError }));
        Assert.Equal(FailureKind.Deterministic, Failures.Classify(new ConditionalCheckFailedException("no") { ErrorCode = "ConditionalCheckFailedException", StatusCode = HttpStatusCode.BadRequest }));
    }

    [Theory]
    [InlineData(new[] { "None", "TransactionConflict" }, FailureKind.TransactionConflict)]
    [InlineData(new[] { "TransactionConflict", "TransactionConflict", "None" }, FailureKind.TransactionConflict)]
    [InlineData(new[] { "ThrottlingError", "None" }, FailureKind.TransactionConflict)]
    [InlineData(new[] { "None", "ConditionalCheckFailed" }, FailureKind.Deterministic)]
    [InlineData(new[] { "TransactionConflict", "ConditionalCheckFailed" }, FailureKind.Deterministic)]
    [InlineData(new[] { "ValidationError" }, FailureKind.Deterministic)]
    [InlineData(new[] { "None", "None" }, FailureKind.Deterministic)]
    public void A_cancelled_transaction_is_transient_only_when_every_reason_is_a_conflict_a_throttle_or_none(string[] codes, FailureKind expected)
    {
        var cancelled = new TransactionCanceledException("cancelled")
        {
            ErrorCode = "TransactionCanceledException",
            StatusCode = HttpStatusCode.BadRequest,
            CancellationReasons = [.. codes.Select(c => new CancellationReason { Code = c })],
        };
        Assert.Equal(expected, Failures.Classify(cancelled));
    }

    [Fact]
    public void Timeouts_and_dropped_connections_are_transient_but_the_callers_own_cancellation_is_not()
    {
        Assert.Equal(FailureKind.Timeout, Failures.Classify(new TimeoutException()));
        Assert.Equal(FailureKind.Timeout, Failures.Classify(new TaskCanceledException("HttpClient.Timeout")));
        Assert.Equal(FailureKind.Connection, Failures.Classify(new HttpRequestException("reset", new SocketException((int)SocketError.ConnectionReset))));
        Assert.Equal(FailureKind.Connection, Failures.Classify(new IOException("unexpected EOF")));
        Assert.Equal(FailureKind.ServerError, Failures.Classify(new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway)));
        // The SDK wraps a socket error in an exception of its own: the classification looks inside.
        Assert.Equal(FailureKind.Connection, Failures.Classify(new AmazonServiceException("wrapped", new HttpRequestException("reset"))));

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Equal(FailureKind.Deterministic, Failures.Classify(new OperationCanceledException(cancelled.Token), cancelled.Token));
    }

    [Fact]
    public void Decode_apply_and_validation_failures_are_deterministic_even_when_wrapped()
    {
        Assert.False(Failures.IsTransient(new EventDecodeException("unknown type")));
        Assert.False(Failures.IsTransient(new System.Text.Json.JsonException("bad json")));
        Assert.False(Failures.IsTransient(new InvalidOperationException("apply failed", new ArgumentException("bad"))));
        Assert.False(Failures.IsTransient(new FormatException()));
        // A throttled write inside a projection's wrapper is still a throttle.
        Assert.True(Failures.IsTransient(new InvalidOperationException("projection", Service("ThrottlingException", HttpStatusCode.BadRequest))));
    }

    [Fact]
    public void A_failure_that_classifies_itself_is_taken_at_its_word()
    {
        Assert.Equal(FailureKind.Throttled, Failures.Classify(new SelfClassified(FailureKind.Throttled)));
        Assert.Equal(FailureKind.Deterministic, Failures.Classify(new SelfClassified(FailureKind.Deterministic)));
    }

    private sealed class SelfClassified(FailureKind kind) : Exception("self"), IClassifiedFailure
    {
        public FailureKind Kind => kind;
    }
}
