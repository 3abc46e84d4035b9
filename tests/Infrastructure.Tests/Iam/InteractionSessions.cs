using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SQS;
using EventBot.Bot.Chat;
using EventBot.Bot.Hosting;
using EventBot.Bot.Interactions;
using EventBot.Bot.Tests.Adapters.Http;
using EventBot.Discord.Interactions;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Faults;
using EventBot.Interactions.Lambda;
using EventBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Infrastructure.Tests.Iam;

/// <summary>
/// The interaction functions as Lambda runs them, each behind its own recording proxy, with the deferred-interactions
/// queue on <see cref="FakeSqs"/> (whose recording is the SQS half of the calls): slash commands answered in time,
/// one deferred to the queue and finished by the worker, and the endpoint's frozen run thawing afterwards. A
/// <c>projector</c> verb (not recorded here: it has its own session) keeps the read models current.
/// </summary>
public static class InteractionSessions
{
    /// <summary>The slash commands of the session: (name, subcommand, options).</summary>
    static readonly (string Name, string? Sub, Dictionary<string, string> Options)[] Commands =
    [
        ("remember", "set", new() { ["key"] = "wifi", ["value"] = "hunter2" }),
        ("remember", "set", new() { ["key"] = "wifi", ["value"] = "correct horse" }),   // an existing stream
        ("remember", "get", new() { ["key"] = "wifi" }),
        ("remember", "history", new() { ["key"] = "wifi" }),
        ("remember", "history", new()),
        ("play", "coin", new() { ["call"] = "heads" }),
        ("leaderboard", null, new() { ["board"] = "sparkles", ["window"] = "week" }),
        ("stats", null, new()),
    ];

    public static async Task RecordAsync(DynamoDbLocalFixture dynamo, Dictionary<string, IReadOnlyList<IamCall>> into)
    {
        var prefix = $"iam{Guid.NewGuid():N}-";
        var tables = await EventBotTableAdmin.CreateAsync(dynamo.Client, prefix, CancellationToken.None);
        Assert.True(tables.IsOk, tables.ToString());
        await using var sqs = await FakeSqs.StartAsync();
        var queueName = prefix + "interactions";
        var queueUrl = sqs.CreateQueue(queueName);
        using var signer = new DiscordSigner();
        var discord = new RecordingDiscordInteractions();
        var settings = new Dictionary<string, string?>
        {
            ["EVENTBOT_STORE"] = "dynamodb",
            ["EVENTBOT_TABLE_PREFIX"] = prefix,
            ["EVENTBOT_CREATE_TABLES"] = "false",
            ["EVENTBOT_PROJECTOR"] = "off",
            ["EVENTBOT_READ_YOUR_WRITES_MS"] = "30000",
            ["EVENTBOT_DATA_DIR"] = Path.Combine(Path.GetTempPath(), "eventbot-iam", prefix),
            ["DISCORD_PUBLIC_KEY"] = signer.PublicKeyHex,
        };

        await using var projector = await RecordedProcess.StartAsync("projector (not recorded here)", prefix, dynamo);
        using var projectorHost = projector.Configure(BotHost.CreateBuilder(settings.Where(s => s.Key != "EVENTBOT_PROJECTOR").ToDictionary(), projectorOnly: true)).Build();
        await projectorHost.StartAsync();
        await using var endpointProcess = await RecordedProcess.StartAsync(IamRoles.InteractionsFunction, prefix, dynamo);
        await using var workerProcess = await RecordedProcess.StartAsync(IamRoles.InteractionsWorker, prefix, dynamo);
        using var sqsClient = new AmazonSQSClient(new BasicAWSCredentials("test", "test"),
            new AmazonSQSConfig { ServiceURL = sqs.Url.ToString(), AuthenticationRegion = DynamoDbLocalFixture.Region });
        try
        {
            ChatBotInteractionHandler? endpointHandler = null;
            InteractionsComposition Compose(RecordedProcess process, bool queue, Action<ChatBotInteractionHandler> made)
            {
                var builder = process.Configure(BotHost.CreateBuilder(settings));
                builder.Services.AddSingleton<IDiscordInteractions>(discord);
                builder.Services.AddSingleton<IInteractionHandler>(sp =>
                {
                    var handler = new ChatBotInteractionHandler(sp.GetRequiredService<ChatBot>(), TimeSpan.FromSeconds(60));
                    made(handler);
                    return handler;
                });
                return InteractionsComposition.Create(builder, sp => queue
                    ? new SqsInteractionQueue(sqsClient, queueUrl, TransientRetry.Default)
                    : throw new InvalidOperationException("the worker never queues"));
            }
            using var endpoint = Compose(endpointProcess, queue: true, h => endpointHandler = h);
            using var worker = Compose(workerProcess, queue: false, _ => { });
            var function = new InteractionsFunction(endpoint);
            var workerFunction = new InteractionsWorkerFunction(worker);

            var id = 1000;
            var transcript = new StringBuilder();
            foreach (var (name, sub, options) in Commands)
            {
                var (status, body) = await InvokeAsync(function, signer, InteractionBodies.Command((++id).ToString(System.Globalization.CultureInfo.InvariantCulture), name, sub, options));
                Assert.Equal(200, status);
                transcript.AppendLine(body);
            }
            // The same interaction delivered again: appends nothing.
            await InvokeAsync(function, signer, InteractionBodies.Command("1001", "remember", "set", Commands[0].Options));

            // Then every command is slow: deferred, queued and finished by the worker, which so runs each of them (any
            // command can be deferred). The first edit fails, so SQS delivers that message again and the worker's second
            // run meets the first one's idempotency marker. Then the endpoint's frozen runs thaw.
            var frozen = new TaskCompletionSource();
            (endpointHandler!.Budget, endpointHandler.Gate) = (TimeSpan.FromMilliseconds(50), frozen.Task);
            foreach (var (name, sub, options) in Commands.OrderBy(c => c.Name != "play"))
            {
                var (_, deferred) = await InvokeAsync(function, signer, InteractionBodies.Command((++id).ToString(System.Globalization.CultureInfo.InvariantCulture), name, sub, options));
                Assert.Equal(5, JsonDocument.Parse(deferred).RootElement.GetProperty("type").GetInt32());
            }
            discord.FailNext = 1;
            Assert.Single(await sqs.DeliverAsync(queueName, workerFunction.Handle, batchSize: 1));
            sqs.ExpireVisibility();
            while (sqs.Messages(queueName).Count > 0) Assert.Empty(await sqs.DeliverAsync(queueName, workerFunction.Handle));
            frozen.SetResult();
            await Task.WhenAll(endpointHandler.Runs).WaitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(Commands.Length, discord.Edits.Count);
            transcript.AppendJoin('\n', discord.Edits.Select(e => e.Message.Content));

            var text = transcript.ToString();
            Assert.DoesNotContain("failed on my side", text, StringComparison.Ordinal);
            Assert.DoesNotContain("catching up", text, StringComparison.Ordinal);
            Assert.Contains("correct horse", text, StringComparison.Ordinal);
        }
        finally
        {
            await projectorHost.StopAsync();
        }
        into[endpointProcess.Name] = [.. endpointProcess.Calls, .. sqs.Calls.Select(c => new IamCall("sqs:" + c.Operation, "queue/" + c.QueueName[prefix.Length..]))];
        into[workerProcess.Name] = workerProcess.Calls;
    }

    static async Task<(int Status, string Body)> InvokeAsync(InteractionsFunction function, DiscordSigner signer, byte[] body)
    {
        var headers = signer.Headers(body, DateTimeOffset.UtcNow).ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value, StringComparer.Ordinal);
        var request = JsonSerializer.Serialize(new
        {
            version = "2.0",
            headers,
            requestContext = new { http = new { method = "POST", path = "/" } },
            body = Encoding.UTF8.GetString(body),
            isBase64Encoded = false,
        });
        await using var output = await function.Handle(new MemoryStream(Encoding.UTF8.GetBytes(request)));
        using var answer = await JsonDocument.ParseAsync(output);
        return (answer.RootElement.GetProperty("statusCode").GetInt32(), answer.RootElement.GetProperty("body").GetString()!);
    }
}
