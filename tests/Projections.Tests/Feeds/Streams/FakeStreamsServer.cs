using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using EventBot.Projections.Feeds.Streams;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests.Feeds.Streams;

/// <summary>
/// A scripted DynamoDB Streams endpoint: shards with records, closing, trimming, paging, and injected faults
/// (expired iterators, trimmed data, throttling, 5xx). Every request must carry the Streams target and a SigV4
/// Authorization header, or the call fails the test.
/// </summary>
sealed class FakeStreamsServer : HttpMessageHandler
{
    public const string TableName = "events";
    public const string StreamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/events/stream/2026-11-27T00:00:00.000";

    /// <summary>A fault type that fails the call below HTTP, as a dropped connection does.</summary>
    public const string NetworkFailure = "network";

    /// <summary>A <see cref="FailNext"/> type: 200 OK with a body cut short (a connection lost while the answer came).</summary>
    public const string CutShort = "(cut short)";

    readonly List<FakeShard> _shards = [];
    readonly List<(string Operation, HttpStatusCode Status, string Type)> _faults = [];
    long _sequence = 100_000_000_000_000_000;

    public int DescribeStreamPageSize { get; set; } = 100;

    /// <summary>A signed Streams client that talks to this server (which the test owns: the client never disposes it).</summary>
    public DynamoDbStreamsClient Client() =>
        new(new HttpClient(this, disposeHandler: false),
            new DynamoDbStreamsClientOptions { ServiceUrl = new Uri("http://streams.test"), Region = "us-east-1" },
            new BasicAWSCredentials("AKIDEXAMPLE", "secret"));

    readonly List<(string Operation, JsonObject Body)> _calls = [];

    /// <summary>Every call so far (a snapshot): operation and its JSON body.</summary>
    public IReadOnlyList<(string Operation, JsonObject Body)> Calls
    {
        get
        {
            lock (_calls) return _calls.ToList();
        }
    }

    /// <summary>The headers of every request, for signing assertions.</summary>
    public List<Dictionary<string, string>> RequestHeaders { get; } = [];

    public DateTimeOffset RecordTime { get; set; } = new(2026, 11, 27, 11, 59, 0, TimeSpan.Zero);

    public IEnumerable<JsonObject> BodiesOf(string operation) => Calls.Where(c => c.Operation == operation).Select(c => c.Body);

    public void AddShard(string shardId, string? parentShardId = null) => _shards.Add(new FakeShard(shardId, parentShardId));

    /// <summary>Appends an INSERT of item (pk, version) to the shard; returns its sequence number.</summary>
    public string Put(string shardId, string pk, int version)
    {
        var sequence = (++_sequence).ToString(CultureInfo.InvariantCulture);
        Shard(shardId).Records.Add(new JsonObject
        {
            ["eventID"] = Guid.NewGuid().ToString("N"),
            ["eventName"] = "INSERT",
            ["eventVersion"] = "1.1",
            ["eventSource"] = "aws:dynamodb",
            ["awsRegion"] = "us-east-1",
            ["dynamodb"] = new JsonObject
            {
                ["ApproximateCreationDateTime"] = RecordTime.ToUnixTimeSeconds(),
                ["Keys"] = Keys(pk, version),
                ["NewImage"] = Keys(pk, version),
                ["SequenceNumber"] = sequence,
                ["SizeBytes"] = 30,
                ["StreamViewType"] = "NEW_IMAGE",
            },
        });
        return sequence;
    }

    public void Close(string shardId) => Shard(shardId).Closed = true;

    /// <summary>The first <paramref name="count"/> records of the shard fall out of retention.</summary>
    public void Trim(string shardId, int count) => Shard(shardId).TrimmedBefore = count;

    /// <summary>The shard ages out entirely: DescribeStream stops listing it and calls on it get ResourceNotFound.</summary>
    public void Remove(string shardId) => _shards.Remove(Shard(shardId));

    /// <summary>The next <paramref name="times"/> calls of <paramref name="operation"/> fail with this error.</summary>
    public void FailNext(string operation, HttpStatusCode status, string type, int times = 1)
    {
        for (var i = 0; i < times; i++) _faults.Add((operation, status, type));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_gate) RequestHeaders.Add(request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
        var target = request.Headers.TryGetValues("X-Amz-Target", out var targets) ? targets.Single() : "";
        var authorization = request.Headers.TryGetValues("Authorization", out var auths) ? auths.Single() : "";
        if (!target.StartsWith("DynamoDBStreams_20120810.", StringComparison.Ordinal))
            throw new InvalidOperationException($"Not a DynamoDB Streams target: '{target}'");
        if (!authorization.StartsWith("AWS4-HMAC-SHA256 Credential=", StringComparison.Ordinal) ||
            !authorization.Contains("/us-east-1/dynamodb/aws4_request", StringComparison.Ordinal) ||
            !authorization.Contains("Signature=", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Not a SigV4 Authorization header for dynamodb: '{authorization}'");
        }
        if (!request.Headers.Contains("X-Amz-Date"))
            throw new InvalidOperationException("No X-Amz-Date header.");
        if (request.Content?.Headers.ContentType?.MediaType != "application/x-amz-json-1.0")
            throw new InvalidOperationException($"Wrong content type {request.Content?.Headers.ContentType}.");

        var operation = target["DynamoDBStreams_20120810.".Length..];
        var body = JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
        // The poller reads shards side by side: one call at a time here, as the scripted state is plain lists.
        lock (_gate) return Answer(operation, body);
    }

    readonly Lock _gate = new();

    HttpResponseMessage Answer(string operation, JsonObject body)
    {
        lock (_calls) _calls.Add((operation, body));

        var fault = _faults.FindIndex(f => f.Operation == operation);
        if (fault >= 0)
        {
            var (_, status, type) = _faults[fault];
            _faults.RemoveAt(fault);
            if (type == NetworkFailure) throw new HttpRequestException("connection reset (scripted)");
            if (type == CutShort) return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"Records\":[{\"even") };
            return status >= HttpStatusCode.InternalServerError && type.Length == 0
                ? new HttpResponseMessage(status) { Content = new StringContent("<html>Bad gateway</html>") }
                : Error(status, type, "scripted");
        }

        return operation switch
        {
            "ListStreams" => Ok(new JsonObject
            {
                ["Streams"] = new JsonArray(new JsonObject
                {
                    ["StreamArn"] = StreamArn,
                    ["TableName"] = TableName,
                    ["StreamLabel"] = "2026-11-27T00:00:00.000",
                }),
            }),
            "DescribeStream" => DescribeStream(body),
            "GetShardIterator" => GetShardIterator(body),
            "GetRecords" => GetRecords(body),
            _ => Error(HttpStatusCode.BadRequest, "UnknownOperationException", operation),
        };
    }

    HttpResponseMessage DescribeStream(JsonObject body)
    {
        var start = (string?)body["ExclusiveStartShardId"];
        var from = start is null ? 0 : _shards.FindIndex(s => s.Id == start) + 1;
        var page = _shards.Skip(from).Take(DescribeStreamPageSize).ToList();
        var shards = new JsonArray();
        foreach (var shard in page)
        {
            var range = new JsonObject { ["StartingSequenceNumber"] = "1" };
            if (shard.Closed) range["EndingSequenceNumber"] = "999999999999999999999";
            var item = new JsonObject { ["ShardId"] = shard.Id, ["SequenceNumberRange"] = range };
            if (shard.Parent is not null) item["ParentShardId"] = shard.Parent;
            shards.Add(item);
        }
        var description = new JsonObject
        {
            ["StreamArn"] = StreamArn,
            ["StreamStatus"] = "ENABLED",
            ["StreamViewType"] = "NEW_IMAGE",
            ["TableName"] = TableName,
            ["Shards"] = shards,
        };
        if (from + page.Count < _shards.Count) description["LastEvaluatedShardId"] = page[^1].Id;
        return Ok(new JsonObject { ["StreamDescription"] = description });
    }

    HttpResponseMessage GetShardIterator(JsonObject body)
    {
        var shard = _shards.FirstOrDefault(s => s.Id == (string?)body["ShardId"]);
        if (shard is null) return Error(HttpStatusCode.BadRequest, "ResourceNotFoundException", "no such shard");
        var sequence = (string?)body["SequenceNumber"];
        var index = sequence is null ? -1 : shard.Records.FindIndex(r => (string?)r["dynamodb"]!["SequenceNumber"] == sequence);
        int position;
        switch ((string?)body["ShardIteratorType"])
        {
            case "TRIM_HORIZON": position = shard.TrimmedBefore; break;
            case "LATEST": position = shard.Records.Count; break;
            case "AT_SEQUENCE_NUMBER": position = index; break;
            case "AFTER_SEQUENCE_NUMBER": position = index + 1; break;
            default: return Error(HttpStatusCode.BadRequest, "ValidationException", "type");
        }
        if (index < 0 && sequence is not null || sequence is not null && index < shard.TrimmedBefore)
            return Error(HttpStatusCode.BadRequest, "TrimmedDataAccessException", "trimmed");
        return Ok(new JsonObject { ["ShardIterator"] = $"it|{shard.Id}|{position}" });
    }

    HttpResponseMessage GetRecords(JsonObject body)
    {
        var parts = ((string)body["ShardIterator"]!).Split('|');
        var shard = _shards.FirstOrDefault(s => s.Id == parts[1]);
        if (shard is null) return Error(HttpStatusCode.BadRequest, "ResourceNotFoundException", "no such shard");
        var position = int.Parse(parts[2], CultureInfo.InvariantCulture);
        if (position < shard.TrimmedBefore) return Error(HttpStatusCode.BadRequest, "TrimmedDataAccessException", "trimmed");
        var limit = (int?)body["Limit"] ?? 1000;
        var records = shard.Records.Skip(position).Take(limit).Select(r => r.DeepClone()).ToArray();
        var next = position + records.Length;
        var result = new JsonObject { ["Records"] = new JsonArray(records) };
        if (!(shard.Closed && next >= shard.Records.Count)) result["NextShardIterator"] = $"it|{shard.Id}|{next}";
        return Ok(result);
    }

    FakeShard Shard(string id) => _shards.Single(s => s.Id == id);

    static JsonObject Keys(string pk, int version) => new()
    {
        ["pk"] = new JsonObject { ["S"] = pk },
        ["version"] = new JsonObject { ["N"] = version.ToString(CultureInfo.InvariantCulture) },
    };

    static HttpResponseMessage Ok(JsonObject json) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.0"),
    };

    static HttpResponseMessage Error(HttpStatusCode status, string type, string message) => new(status)
    {
        Content = new StringContent(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = "com.amazonaws.dynamodb.v20120810#" + type, ["message"] = message }),
            Encoding.UTF8, "application/x-amz-json-1.0"),
    };

    sealed class FakeShard(string id, string? parent)
    {
        public string Id { get; } = id;

        public string? Parent { get; } = parent;

        public List<JsonObject> Records { get; } = [];

        public bool Closed { get; set; }

        public int TrimmedBefore { get; set; }
    }
}
