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
/// queue on <see cref="FakeSqs"/> (whose recording is the SQS half of the calls): slash commands, through the real
/// composition's handler, answered in time, then each deferred to the queue and finished by the worker, and the
/// endpoint's frozen runs thawing afterwards. A
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

    /// <summary>The server of <see cref="InteractionBodies.Command"/>'s interactions.</summary>
    const string Guild = "200000000000000002";

    /// <summary>A server whose first command is one the worker runs.</summary>
    const string NewGuild = "200000000000000008";

    /// <summary>Someone whose first command is one the worker runs.</summary>
    const string NewUser = "100000000000000009";

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
            // The largest budget the settings allow: the first pass answers in time on a loaded machine.
            ["EVENTBOT_INTERACTION_BUDGET_MS"] = "2500",
            ["EVENTBOT_DATA_DIR"] = Path.Combine(Path.GetTempPath(), "eventbot-iam", prefix),
            ["DISCORD_PUBLIC_KEY"] = signer.PublicKeyHex,
            // The master key of docs/privacy.md, as on AWS (RecordedProcess points the KMS client at its fake).
            ["EVENTBOT_KMS_KEY_ID"] = RecordedProcess.KmsKeyId,
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
            InteractionsComposition Compose(RecordedProcess process, bool queue)
            {
                var builder = process.Configure(BotHost.CreateBuilder(settings));
                builder.Services.AddSingleton<IDiscordInteractions>(discord);
                return InteractionsComposition.Create(builder, sp => queue
                    ? new SqsInteractionQueue(sqsClient, queueUrl, TransientRetry.Default)
                    : throw new InvalidOperationException("the worker never queues"));
            }
            using var endpoint = Compose(endpointProcess, queue: true);
            Assert.IsType<InteractionHandler>(endpoint.Services.GetRequiredService<IInteractionHandler>());
            using var worker = Compose(workerProcess, queue: false);
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
            // A moderator (the body's member has every permission) redacts a version: the endpoint finds the value's key
            // by its lookup, destroys it, appends ValueRedacted and waits for the projector's re-projection (docs/privacy.md).
            // (`version` is an integer option: Discord sends it as type 4 with a number.)
            var redact = Encoding.UTF8.GetString(InteractionBodies.Command((++id).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "remember", "redact", new Dictionary<string, string> { ["key"] = "wifi", ["version"] = "1" }))
                .Replace("""{"name":"version","type":3,"value":"1"}""", """{"name":"version","type":4,"value":1}""", StringComparison.Ordinal);
            var (redactStatus, redacted) = await InvokeAsync(function, signer, Encoding.UTF8.GetBytes(redact));
            Assert.Equal(200, redactStatus);
            Assert.True(redacted.Contains("redacted", StringComparison.OrdinalIgnoreCase), redacted);

            // Then every command is slow: deferred, queued and finished by the worker, which so runs each of them (any
            // command can be deferred). The first edit fails, so SQS delivers that message again and the worker's second
            // run meets the first one's idempotency marker. Then the endpoint's frozen runs thaw. A command is slow because
            // its server's lane is held: the handler runs a server's commands in order, so none finishes within the budget.
            var frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var lanes = endpoint.Services.GetRequiredService<GuildLanes>();
            await lanes.EnqueueAsync(NewGuild, () => frozen.Task, CancellationToken.None);
            // In a new server, by someone new: the worker runs their first commands (play first), so it is the worker
            // that makes the server's and their keys.
            foreach (var (name, sub, options) in Commands.OrderBy(c => c.Name != "play"))
            {
                var (_, deferred) = await InvokeAsync(function, signer, InteractionBodies.Command((++id).ToString(System.Globalization.CultureInfo.InvariantCulture), name, sub, options, user: NewUser, guild: NewGuild));
                Assert.Equal(5, JsonDocument.Parse(deferred).RootElement.GetProperty("type").GetInt32());
            }
            discord.FailNext = 1;
            Assert.Single(await sqs.DeliverAsync(queueName, workerFunction.Handle, batchSize: 1));
            sqs.ExpireVisibility();
            while (sqs.Messages(queueName).Count > 0) Assert.Empty(await sqs.DeliverAsync(queueName, workerFunction.Handle));
            frozen.SetResult();
            await lanes.DrainAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(Commands.Length, discord.Edits.Count);

            // A new container of the endpoint (a cold start) has no key in memory: it unwraps the keys it meets (KMS Decrypt).
            using (var thawed = Compose(endpointProcess, queue: true))
            {
                var (status, body) = await InvokeAsync(new InteractionsFunction(thawed), signer, InteractionBodies.Command((++id).ToString(System.Globalization.CultureInfo.InvariantCulture), "play", "coin", Commands[5].Options));
                Assert.Equal(200, status);
                transcript.AppendLine(body);
            }
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
