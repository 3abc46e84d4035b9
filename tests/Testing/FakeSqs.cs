using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBot.Testing;

/// <summary>A message in a <see cref="FakeSqs"/> queue.</summary>
public sealed record FakeSqsMessage(string MessageId, string Body, DateTimeOffset SentAt)
{
    public int ReceiveCount { get; internal set; }

    public string? ReceiptHandle { get; internal set; }
}

/// <summary>One call our code made, as IAM would authorize it: <c>SendMessage</c> on a queue (by name).</summary>
public sealed record FakeSqsCall(string Operation, string QueueName);

/// <summary>
/// A small SQS speaking the AWS JSON protocol (1.0) the AWS SDK for .NET v4 uses, written from the Amazon SQS API
/// Reference: <c>POST /</c> with <c>X-Amz-Target: AmazonSQS.&lt;Operation&gt;</c> and
/// <c>Content-Type: application/x-amz-json-1.0</c>; <c>SendMessage</c> (answers <c>MessageId</c> and
/// <c>MD5OfMessageBody</c>, which the SDK checks), <c>ReceiveMessage</c> (visible messages, hidden until deleted or
/// <see cref="ExpireVisibility"/>) and <c>DeleteMessage</c> (by receipt handle). Errors as SQS sends them: a 4xx/5xx
/// status, <c>x-amzn-query-error: Code;Sender</c> and <c>{"__type":"com.amazonaws.sqs#Code","message":…}</c>.
/// </summary>
/// <remarks>
/// No emulator of SQS is reachable here (no LocalStack, no moto), so this is what the SQS queue implementation is
/// tested against. It ignores the SigV4 signature. <see cref="Fail"/> queues faults (throttling, 5xx) for the next
/// requests; <see cref="Calls"/> records our code's calls for the IAM check.
/// </remarks>
public sealed class FakeSqs : IAsyncDisposable
{
    public const string Account = "000000000000";

    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, ConcurrentQueue<FakeSqsMessage>> _queues = new(StringComparer.Ordinal);
    readonly ConcurrentQueue<(int Status, string Code)> _faults = new();
    readonly ConcurrentQueue<FakeSqsCall> _calls = new();
    readonly Lock _gate = new();

    FakeSqs(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The endpoint: the SDK client's <c>ServiceURL</c> (or <c>AWS_ENDPOINT_URL_SQS</c>).</summary>
    public Uri Url { get; }

    /// <summary>Every request our code sent, in order (faulted ones too: IAM authorizes before it throttles).</summary>
    public IReadOnlyList<FakeSqsCall> Calls => [.. _calls];

    int _faultsServed;

    /// <summary>Requests answered with an injected fault so far.</summary>
    public int FaultsServed => Volatile.Read(ref _faultsServed);

    public static async Task<FakeSqs> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeSqs? fake = null;
        app.Run(context => fake!.ServeAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeSqs(app, new Uri(address.TrimEnd('/') + "/"));
        return fake;
    }

    /// <summary>Creates a queue and returns its URL (<c>{Url}000000000000/{name}</c>, as SQS shapes them).</summary>
    public string CreateQueue(string name)
    {
        _queues.TryAdd(name, new ConcurrentQueue<FakeSqsMessage>());
        return $"{Url}{Account}/{name}";
    }

    /// <summary>Messages in the queue that are neither in flight nor deleted.</summary>
    public IReadOnlyList<FakeSqsMessage> Visible(string name)
    {
        lock (_gate) return [.. _queues[name].Where(m => m.ReceiptHandle is null)];
    }

    /// <summary>All messages not yet deleted (visible and in flight).</summary>
    public IReadOnlyList<FakeSqsMessage> Messages(string name)
    {
        lock (_gate) return [.. _queues[name]];
    }

    /// <summary>The next <paramref name="count"/> requests answer <paramref name="status"/> with error <paramref name="code"/>
    /// (SQS sends throttling as 400 <c>ThrottlingException</c>; <c>InternalFailure</c> as 500).</summary>
    public void Fail(int count, int status = 400, string code = "ThrottlingException")
    {
        for (var i = 0; i < count; i++) _faults.Enqueue((status, code));
    }

    /// <summary>Makes every in-flight message visible again, as when its visibility timeout runs out.</summary>
    public void ExpireVisibility()
    {
        lock (_gate)
            foreach (var queue in _queues.Values)
                foreach (var message in queue) message.ReceiptHandle = null;
    }

    /// <summary>
    /// What Lambda's SQS event source mapping does (with the function's role, so not recorded in <see cref="Calls"/>):
    /// receive up to <paramref name="batchSize"/> visible messages, invoke <paramref name="function"/> with
    /// <c>{"Records":[…]}</c>, delete the messages not named in its <c>batchItemFailures</c>. Returns the ids of the
    /// failed ones (still in flight until <see cref="ExpireVisibility"/>).
    /// </summary>
    public async Task<IReadOnlyList<string>> DeliverAsync(string name, Func<Stream, Task<Stream>> function, int batchSize = 10)
    {
        List<FakeSqsMessage> batch;
        lock (_gate)
        {
            batch = [.. _queues[name].Where(m => m.ReceiptHandle is null).Take(batchSize)];
            foreach (var message in batch)
            {
                message.ReceiveCount++;
                message.ReceiptHandle = Guid.NewGuid().ToString("N");
            }
        }
        if (batch.Count == 0) return [];
        var records = batch.Select(m => new Dictionary<string, object>
        {
            ["messageId"] = m.MessageId,
            ["receiptHandle"] = m.ReceiptHandle!,
            ["body"] = m.Body,
            ["attributes"] = new Dictionary<string, string>
            {
                ["ApproximateReceiveCount"] = m.ReceiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["SentTimestamp"] = m.SentAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            ["messageAttributes"] = new Dictionary<string, string>(),
            ["md5OfBody"] = Md5(m.Body),
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = $"arn:aws:sqs:us-east-1:{Account}:{name}",
            ["awsRegion"] = "us-east-1",
        });
        using var input = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { Records = records }));
        await using var output = await function(input);
        using var answer = await JsonDocument.ParseAsync(output);
        var failed = answer.RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()!).ToHashSet();
        lock (_gate)
        {
            var keep = _queues[name].Where(m => !batch.Contains(m) || failed.Contains(m.MessageId)).ToList();
            _queues[name] = new ConcurrentQueue<FakeSqsMessage>(keep);
        }
        return [.. failed];
    }

    async Task ServeAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        if (context.Request.Method != "POST" || !target.StartsWith("AmazonSQS.", StringComparison.Ordinal)
            || context.Request.ContentType?.StartsWith("application/x-amz-json-1.0", StringComparison.Ordinal) != true)
        {
            await ErrorAsync(context, 400, "InvalidAction", "Expected POST with X-Amz-Target AmazonSQS.* and application/x-amz-json-1.0.");
            return;
        }
        var operation = target["AmazonSQS.".Length..];
        using var request = JsonDocument.Parse(buffer.Length == 0 ? "{}"u8.ToArray() : buffer.ToArray());
        var queueUrl = request.RootElement.TryGetProperty("QueueUrl", out var q) ? q.GetString() ?? "" : "";
        var name = queueUrl[(queueUrl.LastIndexOf('/') + 1)..];
        _calls.Enqueue(new FakeSqsCall(operation, name));

        if (_faults.TryDequeue(out var fault))
        {
            Interlocked.Increment(ref _faultsServed);
            await ErrorAsync(context, fault.Status, fault.Code, "Injected by the test.");
            return;
        }
        if (!_queues.TryGetValue(name, out var queue))
        {
            await ErrorAsync(context, 400, "QueueDoesNotExist", "The specified queue does not exist.", "AWS.SimpleQueueService.NonExistentQueue");
            return;
        }
        switch (operation)
        {
            case "SendMessage":
                var body = request.RootElement.GetProperty("MessageBody").GetString() ?? "";
                var message = new FakeSqsMessage(Guid.NewGuid().ToString(), body, DateTimeOffset.UtcNow);
                queue.Enqueue(message);
                await JsonAsync(context, new { MD5OfMessageBody = Md5(body), message.MessageId });
                break;
            case "ReceiveMessage":
                var max = request.RootElement.TryGetProperty("MaxNumberOfMessages", out var m) ? m.GetInt32() : 1;
                List<FakeSqsMessage> received;
                lock (_gate)
                {
                    received = [.. queue.Where(x => x.ReceiptHandle is null).Take(max)];
                    foreach (var r in received)
                    {
                        r.ReceiveCount++;
                        r.ReceiptHandle = Guid.NewGuid().ToString("N");
                    }
                }
                await JsonAsync(context, new
                {
                    Messages = received.Select(r => new { r.MessageId, r.ReceiptHandle, MD5OfBody = Md5(r.Body), r.Body }),
                });
                break;
            case "DeleteMessage":
                var handle = request.RootElement.GetProperty("ReceiptHandle").GetString();
                lock (_gate) _queues[name] = new ConcurrentQueue<FakeSqsMessage>(queue.Where(x => x.ReceiptHandle != handle));
                await JsonAsync(context, new { });
                break;
            default:
                await ErrorAsync(context, 400, "UnsupportedOperation", $"{operation} is not in this fake.");
                break;
        }
    }

    static async Task JsonAsync(HttpContext context, object body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-amz-json-1.0";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body));
    }

    static async Task ErrorAsync(HttpContext context, int status, string code, string message, string? queryError = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.0";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-query-error"] = $"{queryError ?? code};{(status >= 500 ? "Receiver" : "Sender")}";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["__type"] = "com.amazonaws.sqs#" + code,
            ["message"] = message,
        }));
    }

    /// <summary>The hex MD5 of the UTF-8 body, as SQS answers it and the SDK checks it.</summary>
#pragma warning disable CA5351 // SQS's own integrity digest, not a security use.
    public static string Md5(string body) => Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(body))).ToLowerInvariant();
#pragma warning restore CA5351

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
