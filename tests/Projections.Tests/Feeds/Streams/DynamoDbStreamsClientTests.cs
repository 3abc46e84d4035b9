using System.Net;
using Amazon.Runtime;
using EventBot.Projections.Feeds.Streams;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests.Feeds.Streams;

public sealed class DynamoDbStreamsClientTests
{
    readonly FakeStreamsServer _server = new();

    DynamoDbStreamsClient Client(AWSCredentials? credentials = null) =>
        new(new HttpClient(_server), new DynamoDbStreamsClientOptions { ServiceUrl = new Uri("http://streams.test:8000"), Region = "us-east-1" },
            credentials ?? new BasicAWSCredentials("AKIDEXAMPLE", "secret"));

    [Fact]
    public async Task EveryCall_IsSignedForDynamoDbWithItsTarget()
    {
        _server.AddShard("shardId-1");
        var client = Client();

        await client.ListStreamsAsync(FakeStreamsServer.TableName);
        await client.DescribeStreamAsync(FakeStreamsServer.StreamArn);
        var iterator = await client.GetShardIteratorAsync(FakeStreamsServer.StreamArn, "shardId-1", ShardIteratorType.TrimHorizon);
        await client.GetRecordsAsync(iterator, 10);

        Assert.Equal(["ListStreams", "DescribeStream", "GetShardIterator", "GetRecords"], _server.Calls.Select(c => c.Operation));
        Assert.All(_server.RequestHeaders, h =>
        {
            Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", h["Authorization"], StringComparison.Ordinal);
            Assert.Contains("x-amz-target", h["Authorization"], StringComparison.Ordinal);
            Assert.False(h.ContainsKey("x-amz-security-token"));
        });
        Assert.Equal("TRIM_HORIZON", (string?)_server.BodiesOf("GetShardIterator").Single()["ShardIteratorType"]);
        Assert.Equal(10, (int?)_server.BodiesOf("GetRecords").Single()["Limit"]);
    }

    [Fact]
    public async Task SessionCredentials_SendAndSignTheToken()
    {
        var client = Client(new SessionAWSCredentials("ASIAEXAMPLE", "secret", "the-token"));

        await client.ListStreamsAsync(null);

        var headers = Assert.Single(_server.RequestHeaders);
        Assert.Equal("the-token", headers["x-amz-security-token"]);
        Assert.Contains("x-amz-security-token", headers["Authorization"], StringComparison.Ordinal);
        Assert.Null(_server.BodiesOf("ListStreams").Single()["TableName"]);
    }

    [Fact]
    public async Task DescribeAllShards_FollowsLastEvaluatedShardId()
    {
        foreach (var id in new[] { "shardId-1", "shardId-2", "shardId-3" }) _server.AddShard(id);
        _server.AddShard("shardId-4", parentShardId: "shardId-1");
        _server.Close("shardId-1");
        _server.DescribeStreamPageSize = 3;

        var shards = await Client().DescribeAllShardsAsync(FakeStreamsServer.StreamArn);

        Assert.Equal(["shardId-1", "shardId-2", "shardId-3", "shardId-4"], shards.Select(s => s.ShardId));
        Assert.Equal([null, "shardId-3"], _server.BodiesOf("DescribeStream").Select(b => (string?)b["ExclusiveStartShardId"]));
        Assert.True(shards[0].IsClosed);
        Assert.False(shards[1].IsClosed);
        Assert.Equal("shardId-1", shards[3].ParentShardId);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "ExpiredIteratorException", StreamsErrorKind.ExpiredIterator, false)]
    [InlineData(HttpStatusCode.BadRequest, "TrimmedDataAccessException", StreamsErrorKind.TrimmedDataAccess, false)]
    [InlineData(HttpStatusCode.BadRequest, "ResourceNotFoundException", StreamsErrorKind.ResourceNotFound, false)]
    [InlineData(HttpStatusCode.BadRequest, "LimitExceededException", StreamsErrorKind.LimitExceeded, true)]
    [InlineData(HttpStatusCode.BadRequest, "ThrottlingException", StreamsErrorKind.Throttling, true)]
    [InlineData(HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException", StreamsErrorKind.Throttling, true)]
    [InlineData(HttpStatusCode.InternalServerError, "InternalServerError", StreamsErrorKind.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, "", StreamsErrorKind.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadRequest, "UnrecognizedClientException", StreamsErrorKind.Other, false)]
    public async Task Errors_AreClassifiedFromTheirType(HttpStatusCode status, string type, StreamsErrorKind kind, bool retryable)
    {
        _server.FailNext("GetRecords", status, type);

        var error = await Assert.ThrowsAsync<DynamoDbStreamsException>(() => Client().GetRecordsAsync("it|x|0"));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(retryable, error.IsRetryable);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("GetRecords", error.Operation);
    }

    [Fact]
    public async Task AnAnswerCutShort_IsATransientIOException_NotAParseError()
    {
        _server.FailNext("GetRecords", HttpStatusCode.OK, FakeStreamsServer.CutShort);

        var error = await Assert.ThrowsAsync<IOException>(() => Client().GetRecordsAsync("it|x|0"));

        Assert.Contains("GetRecords answered 200", error.Message, StringComparison.Ordinal);
        Assert.True(EventBot.EventStore.Faults.Failures.IsTransient(error));
    }

    [Fact]
    public async Task GetShardIterator_RequiresASequenceNumberExactlyWhenTheTypeNeedsOne()
    {
        var client = Client();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            client.GetShardIteratorAsync(FakeStreamsServer.StreamArn, "s", ShardIteratorType.AfterSequenceNumber));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            client.GetShardIteratorAsync(FakeStreamsServer.StreamArn, "s", ShardIteratorType.Latest, "1"));
        Assert.Empty(_server.Calls);
    }

    [Theory]
    [InlineData("http://configured:1", "http://service:2", "http://global:3", null, "http://configured:1/")]
    [InlineData(null, "http://service:2", "http://global:3", null, "http://service:2/")]
    [InlineData(null, null, "http://global:3", null, "http://global:3/")]
    [InlineData(null, "http://service:2", "http://global:3", "true", "https://streams.dynamodb.eu-west-1.amazonaws.com/")]
    [InlineData(null, null, null, null, "https://streams.dynamodb.eu-west-1.amazonaws.com/")]
    public void Endpoint_IsResolvedLikeTheSdk(string? configured, string? service, string? global, string? ignore, string expected)
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_DYNAMODB_STREAMS"] = service,
            ["AWS_ENDPOINT_URL"] = global,
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = ignore,
        };

        var endpoint = DynamoDbStreamsClient.ResolveEndpoint(configured is null ? null : new Uri(configured), "eu-west-1", n => environment.GetValueOrDefault(n));

        Assert.Equal(expected, endpoint.ToString());
    }
}
