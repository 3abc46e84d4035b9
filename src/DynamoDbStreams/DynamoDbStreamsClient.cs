using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;

namespace EventBot.DynamoDbStreams;

/// <summary>The four DynamoDB Streams operations the poller needs, plus ListStreams.</summary>
public interface IDynamoDbStreamsClient
{
    Task<ListStreamsPage> ListStreamsAsync(string? tableName, string? exclusiveStartStreamArn = null, int? limit = null, CancellationToken ct = default);

    Task<StreamDescription> DescribeStreamAsync(string streamArn, string? exclusiveStartShardId = null, int? limit = null, CancellationToken ct = default);

    /// <summary>Every shard of the stream, following <c>LastEvaluatedShardId</c> across pages.</summary>
    Task<IReadOnlyList<StreamShard>> DescribeAllShardsAsync(string streamArn, CancellationToken ct = default);

    Task<string> GetShardIteratorAsync(string streamArn, string shardId, ShardIteratorType type, string? sequenceNumber = null, CancellationToken ct = default);

    Task<GetRecordsResult> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken ct = default);
}

/// <summary>Settings for <see cref="DynamoDbStreamsClient"/>.</summary>
public sealed class DynamoDbStreamsClientOptions
{
    /// <summary>
    /// Endpoint set in code (e.g. DynamoDB Local). Default null: then <c>AWS_ENDPOINT_URL_DYNAMODB_STREAMS</c>, then
    /// <c>AWS_ENDPOINT_URL</c>, then <c>https://streams.dynamodb.{region}.amazonaws.com</c>.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Region to sign for. Default null: the SDK's region chain (<c>AWS_REGION</c>, profile, instance metadata).</summary>
    public string? Region { get; set; }
}

/// <summary>
/// A small DynamoDB Streams client on AWSSDK.Core: AWSSDK.DynamoDBv2 v4 has none and AWSSDK.DynamoDBStreams is not
/// available. Requests are signed by the SDK's <see cref="AWS4Signer"/> with credentials from the SDK's chain.
/// </summary>
public sealed class DynamoDbStreamsClient : IDynamoDbStreamsClient
{
    const string TargetPrefix = "DynamoDBStreams_20120810.";
    const string ContentType = "application/x-amz-json-1.0";

    // Shared and never disposed, like the SDK's own: the credentials it resolves may refresh through it.
    static readonly DefaultAWSCredentialsIdentityResolver DefaultChain = new();

    readonly HttpClient _http;
    readonly AWSCredentials? _credentials;
    readonly AmazonDynamoDBConfig _signingConfig;
    AWSCredentials? _resolvedCredentials;

    /// <param name="http">Sends the signed requests; owned by the caller (e.g. IHttpClientFactory).</param>
    /// <param name="options">Endpoint and region; both optional.</param>
    /// <param name="credentials">Null: the SDK's default credential chain, resolved on first use.</param>
    public DynamoDbStreamsClient(HttpClient http, DynamoDbStreamsClientOptions? options = null, AWSCredentials? credentials = null)
    {
        _http = http;
        _credentials = credentials;
        options ??= new DynamoDbStreamsClientOptions();
        Region = options.Region ?? FallbackRegionFactory.GetRegionEndpoint()?.SystemName ?? throw new InvalidOperationException(
            "No AWS region for DynamoDB Streams: set DynamoDbStreamsClientOptions.Region or AWS_REGION.");
        Endpoint = ResolveEndpoint(options.ServiceUrl, Region, Environment.GetEnvironmentVariable);
        _signingConfig = new AmazonDynamoDBConfig { ServiceURL = Endpoint.ToString(), AuthenticationRegion = Region };
    }

    public Uri Endpoint { get; }

    public string Region { get; }

    /// <summary>
    /// The endpoint the way the AWS SDKs choose it: one set in code wins, then <c>AWS_ENDPOINT_URL_DYNAMODB_STREAMS</c>,
    /// then <c>AWS_ENDPOINT_URL</c> (both ignored when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c>), then the
    /// regional public endpoint.
    /// </summary>
    public static Uri ResolveEndpoint(Uri? configured, string region, Func<string, string?> environment)
    {
        if (configured is not null)
            return configured;
        if (!string.Equals(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var name in new[] { "AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "AWS_ENDPOINT_URL" })
            {
                var value = environment(name);
                if (!string.IsNullOrWhiteSpace(value))
                    return new Uri(value);
            }
        }
        return new Uri($"https://streams.dynamodb.{region}.amazonaws.com");
    }

    public async Task<ListStreamsPage> ListStreamsAsync(string? tableName, string? exclusiveStartStreamArn = null, int? limit = null, CancellationToken ct = default)
    {
        using var response = await SendAsync("ListStreams", w =>
        {
            WriteOptional(w, "TableName", tableName);
            WriteOptional(w, "ExclusiveStartStreamArn", exclusiveStartStreamArn);
            if (limit is { } l) w.WriteNumber("Limit", l);
        }, ct);
        var root = response.RootElement;
        var streams = root.TryGetProperty("Streams", out var list)
            ? list.EnumerateArray().Select(s => new StreamSummary(
                s.GetProperty("StreamArn").GetString()!, OptionalString(s, "TableName"), OptionalString(s, "StreamLabel"))).ToList()
            : [];
        return new ListStreamsPage(streams, OptionalString(root, "LastEvaluatedStreamArn"));
    }

    public async Task<StreamDescription> DescribeStreamAsync(string streamArn, string? exclusiveStartShardId = null, int? limit = null, CancellationToken ct = default)
    {
        using var response = await SendAsync("DescribeStream", w =>
        {
            w.WriteString("StreamArn", streamArn);
            WriteOptional(w, "ExclusiveStartShardId", exclusiveStartShardId);
            if (limit is { } l) w.WriteNumber("Limit", l);
        }, ct);
        var description = response.RootElement.GetProperty("StreamDescription");
        var shards = description.TryGetProperty("Shards", out var list)
            ? list.EnumerateArray().Select(ParseShard).ToList()
            : [];
        return new StreamDescription(
            OptionalString(description, "StreamArn") ?? streamArn,
            OptionalString(description, "StreamStatus"),
            OptionalString(description, "StreamViewType"),
            OptionalString(description, "TableName"),
            shards,
            OptionalString(description, "LastEvaluatedShardId"));
    }

    public async Task<IReadOnlyList<StreamShard>> DescribeAllShardsAsync(string streamArn, CancellationToken ct = default)
    {
        var shards = new List<StreamShard>();
        string? start = null;
        do
        {
            var page = await DescribeStreamAsync(streamArn, start, null, ct);
            shards.AddRange(page.Shards);
            start = page.LastEvaluatedShardId;
        }
        while (start is not null);
        return shards;
    }

    public async Task<string> GetShardIteratorAsync(string streamArn, string shardId, ShardIteratorType type, string? sequenceNumber = null, CancellationToken ct = default)
    {
        var needsSequence = type is ShardIteratorType.AtSequenceNumber or ShardIteratorType.AfterSequenceNumber;
        if (needsSequence != sequenceNumber is not null)
        {
            throw new ArgumentException(needsSequence
                ? $"{type} needs a sequence number."
                : $"{type} takes no sequence number.", nameof(sequenceNumber));
        }
        using var response = await SendAsync("GetShardIterator", w =>
        {
            w.WriteString("StreamArn", streamArn);
            w.WriteString("ShardId", shardId);
            w.WriteString("ShardIteratorType", type switch
            {
                ShardIteratorType.TrimHorizon => "TRIM_HORIZON",
                ShardIteratorType.Latest => "LATEST",
                ShardIteratorType.AtSequenceNumber => "AT_SEQUENCE_NUMBER",
                ShardIteratorType.AfterSequenceNumber => "AFTER_SEQUENCE_NUMBER",
                _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
            });
            WriteOptional(w, "SequenceNumber", sequenceNumber);
        }, ct);
        return response.RootElement.GetProperty("ShardIterator").GetString()
            ?? throw new DynamoDbStreamsException("GetShardIterator answered without a ShardIterator.");
    }

    public async Task<GetRecordsResult> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken ct = default)
    {
        using var response = await SendAsync("GetRecords", w =>
        {
            w.WriteString("ShardIterator", shardIterator);
            if (limit is { } l) w.WriteNumber("Limit", l);
        }, ct);
        var root = response.RootElement;
        var records = root.TryGetProperty("Records", out var list)
            ? list.EnumerateArray().Select(StreamRecordParser.Parse).ToList()
            : [];
        return new GetRecordsResult(records, OptionalString(root, "NextShardIterator"));
    }

    async Task<JsonDocument> SendAsync(string operation, Action<Utf8JsonWriter> writeBody, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writeBody(writer);
            writer.WriteEndObject();
        }
        var content = body.WrittenSpan.ToArray();
        var credentials = await CredentialsAsync(ct);

        using var request = Sign(operation, content, credentials);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.IsSuccessStatusCode)
        {
            try
            {
                return JsonDocument.Parse(bytes);
            }
            catch (JsonException e)
            {
                // An answer cut short (a connection lost as it came, a proxy's empty 200) is a transport fault like a
                // reset: an IOException, which every caller's retry treats as transient. Seen under fault injection.
                throw new IOException($"DynamoDB Streams {operation} answered {(int)response.StatusCode} with {bytes.Length} bytes that are not a whole JSON document.", e);
            }
        }

        string? errorType = null, message = null;
        try
        {
            using var error = JsonDocument.Parse(bytes);
            errorType = OptionalString(error.RootElement, "__type");
            message = OptionalString(error.RootElement, "message") ?? OptionalString(error.RootElement, "Message");
        }
        catch (JsonException)
        {
            message = System.Text.Encoding.UTF8.GetString(bytes);
        }
        errorType ??= response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        throw new DynamoDbStreamsException(
            operation, DynamoDbStreamsException.Classify(errorType, response.StatusCode), errorType, response.StatusCode, message);
    }

    HttpRequestMessage Sign(string operation, byte[] content, ImmutableCredentials credentials)
    {
        // The SDK's own request type and signer: we never compute SigV4 ourselves.
        var sdkRequest = new DefaultRequest(new StreamsWebServiceRequest(), "DynamoDBStreams")
        {
            HttpMethod = "POST",
            ResourcePath = "/",
            Endpoint = Endpoint,
            Content = content,
            OverrideSigningServiceName = "dynamodb",
            AuthenticationRegion = Region,
        };
        sdkRequest.Headers["X-Amz-Target"] = TargetPrefix + operation;
        sdkRequest.Headers["Content-Type"] = ContentType;
        if (credentials.UseToken)
            sdkRequest.Headers["x-amz-security-token"] = credentials.Token;

        var signature = new AWS4Signer().SignRequest(sdkRequest, _signingConfig, null, credentials.AccessKey, credentials.SecretKey);

        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, "/"))
        {
            Content = new ByteArrayContent(content),
        };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        foreach (var (name, value) in sdkRequest.Headers)
        {
            // HttpClient sets Host and Content-Length from the URI and the content.
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) ||
                name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) ||
                name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            message.Headers.TryAddWithoutValidation(name, value);
        }
        message.Headers.TryAddWithoutValidation("Authorization", signature.ForAuthorizationHeader);
        return message;
    }

    async Task<ImmutableCredentials> CredentialsAsync(CancellationToken ct)
    {
        var credentials = _credentials ?? _resolvedCredentials;
        if (credentials is null)
            credentials = _resolvedCredentials = await DefaultChain.ResolveIdentityAsync(_signingConfig, ct);
        // AWSCredentials caches and refreshes temporary credentials itself.
        return await credentials.GetCredentialsAsync();
    }

    static StreamShard ParseShard(JsonElement shard)
    {
        string? start = null, end = null;
        if (shard.TryGetProperty("SequenceNumberRange", out var range))
        {
            start = OptionalString(range, "StartingSequenceNumber");
            end = OptionalString(range, "EndingSequenceNumber");
        }
        return new StreamShard(shard.GetProperty("ShardId").GetString()!, OptionalString(shard, "ParentShardId"), start, end);
    }

    static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null) writer.WriteString(name, value);
    }

    static string? OptionalString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary><see cref="DefaultRequest"/> wants the SDK request it came from; ours carries nothing.</summary>
    sealed class StreamsWebServiceRequest : AmazonWebServiceRequest;
}
