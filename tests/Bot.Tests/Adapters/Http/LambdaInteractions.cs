using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SQS;
using EventBot.Bot.Hosting;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using EventBot.EventStore.Faults;
using EventBot.Interactions.Lambda;
using EventBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Adapters.Http;

/// <summary>
/// The two interaction functions as the Lambda runtime runs them (one warm container each), the endpoint's queue being
/// the SQS implementation on <see cref="FakeSqs"/>, and the fake's event source mapping feeding the worker.
/// </summary>
public sealed class LambdaInteractions : IAsyncDisposable
{
    public const string QueueName = "eventbot-interactions";

    readonly string _dir;

    LambdaInteractions(FakeSqs sqs, string queueUrl, InteractionsComposition endpoint, InteractionsComposition worker, DiscordSigner signer,
        RecordingDiscordInteractions discord, AmazonSQSClient client, string dir)
    {
        Sqs = sqs;
        QueueUrl = queueUrl;
        EndpointComposition = endpoint;
        WorkerComposition = worker;
        Endpoint = new InteractionsFunction(endpoint);
        Worker = new InteractionsWorkerFunction(worker);
        Signer = signer;
        Discord = discord;
        Client = client;
        _dir = dir;
    }

    public FakeSqs Sqs { get; }

    public string QueueUrl { get; }

    public InteractionsComposition EndpointComposition { get; }

    public InteractionsComposition WorkerComposition { get; }

    public InteractionsFunction Endpoint { get; }

    public InteractionsWorkerFunction Worker { get; }

    public DiscordSigner Signer { get; }

    public RecordingDiscordInteractions Discord { get; }

    public AmazonSQSClient Client { get; }

    /// <param name="handler">The slash-command handler both functions run; null: the bot's own.</param>
    /// <param name="environment">The bot's settings (a data dir is added).</param>
    /// <param name="configure">More services for both compositions (e.g. a recorded DynamoDB client).</param>
    public static async Task<LambdaInteractions> StartAsync(IInteractionHandler? handler = null, IDictionary<string, string?>? environment = null,
        Action<IServiceCollection>? configure = null, RetrySettings? retry = null)
    {
        var sqs = await FakeSqs.StartAsync();
        var url = sqs.CreateQueue(QueueName);
        var signer = new DiscordSigner();
        var discord = new RecordingDiscordInteractions();
        var dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", "lambda-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = dir, ["DISCORD_PUBLIC_KEY"] = signer.PublicKeyHex };
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>()) settings[k] = v;
        // The SDK's own retries off: what is retried here is the house's TransientRetry, and the test counts it.
        var client = new AmazonSQSClient(new BasicAWSCredentials("test", "test"),
            new AmazonSQSConfig { ServiceURL = sqs.Url.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var policy = new TransientRetry(retry ?? new RetrySettings(MaxRetries: 4, InitialDelay: TimeSpan.FromMilliseconds(1), MaxDelay: TimeSpan.FromMilliseconds(20)), TimeProvider.System);

        InteractionsComposition Compose(bool withQueue)
        {
            var builder = BotHost.CreateBuilder(settings);
            builder.Services.AddSingleton<IDiscordInteractions>(discord);
            if (handler is not null) builder.Services.AddSingleton(handler);
            configure?.Invoke(builder.Services);
            return InteractionsComposition.Create(builder, _ => withQueue
                ? new SqsInteractionQueue(client, url, policy)
                : throw new InvalidOperationException("the worker never queues"));
        }

        return new LambdaInteractions(sqs, url, Compose(true), Compose(false), signer, discord, client, dir);
    }

    /// <summary>A Function URL event (payload format 2.0) as Lambda builds it from Discord's POST.</summary>
    public string FunctionUrlEvent(byte[] body, DateTimeOffset? at = null, bool base64 = false, Action<Dictionary<string, string>>? headers = null, string method = "POST")
    {
        var signed = Signer.Headers(body, at ?? DateTimeOffset.UtcNow);
        var lower = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "application/json",
            ["host"] = "abcdefghij.lambda-url.us-east-1.on.aws",
            ["user-agent"] = "Discord-Interactions/1.0 (+https://discord.com)",
        };
        foreach (var (name, value) in signed) lower[name.ToLowerInvariant()] = value;
        headers?.Invoke(lower);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = "2.0",
            ["routeKey"] = "$default",
            ["rawPath"] = "/",
            ["rawQueryString"] = "",
            ["headers"] = lower,
            ["requestContext"] = new Dictionary<string, object>
            {
                ["accountId"] = "anonymous",
                ["domainName"] = "abcdefghij.lambda-url.us-east-1.on.aws",
                ["http"] = new Dictionary<string, string> { ["method"] = method, ["path"] = "/", ["protocol"] = "HTTP/1.1", ["sourceIp"] = "203.0.113.7" },
                ["requestId"] = Guid.NewGuid().ToString(),
                ["timeEpoch"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            },
            ["body"] = base64 ? Convert.ToBase64String(body) : Encoding.UTF8.GetString(body),
            ["isBase64Encoded"] = base64,
        });
    }

    /// <summary>Invokes the endpoint function; answers (statusCode, content-type, body).</summary>
    public async Task<(int Status, string ContentType, string Body)> InvokeAsync(string functionUrlEvent)
    {
        await using var output = await Endpoint.Handle(new MemoryStream(Encoding.UTF8.GetBytes(functionUrlEvent)));
        using var answer = await JsonDocument.ParseAsync(output);
        var root = answer.RootElement;
        return (root.GetProperty("statusCode").GetInt32(), root.GetProperty("headers").GetProperty("content-type").GetString()!, root.GetProperty("body").GetString()!);
    }

    /// <summary>The event source mapping's turn: the worker on what is visible in the queue; the failed message ids.</summary>
    public Task<IReadOnlyList<string>> DeliverAsync() => Sqs.DeliverAsync(QueueName, Worker.Handle);

    public async ValueTask DisposeAsync()
    {
        EndpointComposition.Dispose();
        WorkerComposition.Dispose();
        Client.Dispose();
        Signer.Dispose();
        await Sqs.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
