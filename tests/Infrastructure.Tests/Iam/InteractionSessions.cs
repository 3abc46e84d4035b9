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
/// endpoint's frozen runs thawing afterwards. The privacy commands of docs/privacy.md run both ways too: a moderator's
/// <c>/remember redact</c>, <c>/privacy forget-me</c> with the click of its button (and a click too late), and
/// <c>/privacy export</c> (always deferred: the worker edits <c>@original</c> with the file). A
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

    /// <summary>Someone who forgets themselves with the endpoint running the erasure (their server's lane is free).</summary>
    const string Forgetter = "100000000000000011";

    /// <summary>Someone who forgets themselves with the worker running the erasure (their server's lane is held).</summary>
    const string LateForgetter = "100000000000000012";

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
            string Next() => (++id).ToString(System.Globalization.CultureInfo.InvariantCulture);
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
            var (redactStatus, redacted) = await InvokeAsync(function, signer, Redact(Next(), "wifi", 1));
            Assert.Equal(200, redactStatus);
            Assert.True(redacted.Contains("redacted", StringComparison.OrdinalIgnoreCase), redacted);
            transcript.AppendLine(redacted);

            // `/privacy forget-me` answered by the endpoint (docs/privacy.md): someone with a value (so a key) asks; the
            // warning comes at once, to them alone, with the red button whose custom_id carries the confirmation.
            Assert.Equal(200, (await InvokeAsync(function, signer, InteractionBodies.Command(Next(), "remember", "set",
                new Dictionary<string, string> { ["key"] = "door", ["value"] = "4321" }, user: Forgetter))).Status);
            var confirm = await AskForgetMeAsync(function, signer, Next(), Forgetter, Guild);
            // The click: the endpoint finds the user's keys (a Query of the keys table's by_owner index), destroys them,
            // appends UserForgotten and waits (bounded) for the projector's marker. Type 7 replaces the question and takes
            // its button away when that is done within the budget; else type 6, and the worker finishes it.
            var (clickStatus, clicked) = await InvokeAsync(function, signer, Click(Next(), confirm, Forgetter, Guild));
            Assert.Equal(200, clickStatus);
            var click = JsonDocument.Parse(clicked).RootElement;
            var clickDeferred = click.GetProperty("type").GetInt32() == 6;
            transcript.AppendLine(clicked);
            if (!clickDeferred)
            {
                Assert.Equal(7, click.GetProperty("type").GetInt32());
                Assert.Contains("You are forgotten", click.GetProperty("data").GetProperty("content").GetString(), StringComparison.Ordinal);
                Assert.Empty(click.GetProperty("data").GetProperty("components").EnumerateArray());
            }
            // A button older than the confirmation window: refused with a clear answer, to the clicker alone, nothing erased.
            var stale = new EventBot.Bot.Features.Privacy.ForgetMe.ConfirmButton(new EventBot.Domain.Common.UserId(ulong.Parse(Forgetter, System.Globalization.CultureInfo.InvariantCulture)),
                DateTimeOffset.UtcNow.AddMinutes(-2)).Encode();
            var late = JsonDocument.Parse((await InvokeAsync(function, signer, Click(Next(), stale, Forgetter, Guild))).Body).RootElement;
            Assert.Equal(4, late.GetProperty("type").GetInt32());
            Assert.Equal(64, late.GetProperty("data").GetProperty("flags").GetInt32());
            Assert.Contains("more than 60 seconds old", late.GetProperty("data").GetProperty("content").GetString(), StringComparison.Ordinal);
            // `/privacy export`: a file goes with the edit of @original, so it is always deferred, ephemerally (type 5,
            // flag 64), and on Lambda the worker runs it again and edits with the file (multipart).
            var (_, exporting) = await InvokeAsync(function, signer, InteractionBodies.Command(Next(), "privacy", "export"));
            var export = JsonDocument.Parse(exporting).RootElement;
            Assert.Equal(5, export.GetProperty("type").GetInt32());
            Assert.Equal(64, export.GetProperty("data").GetProperty("flags").GetInt32());
            var immediateEdits = 1 + (clickDeferred ? 1 : 0);
            while (sqs.Messages(queueName).Count > 0) Assert.Empty(await sqs.DeliverAsync(queueName, workerFunction.Handle));
            Assert.Equal(immediateEdits, discord.Edits.Count);
            var exported = Assert.Single(discord.Edits, e => e.Message.Files is { Count: > 0 }).Message;
            Assert.True(exported.Ephemeral);
            Assert.Contains("This server only", exported.Content, StringComparison.Ordinal);
            using (var json = JsonDocument.Parse(Assert.Single(exported.Files!).Content))
                Assert.Contains(json.RootElement.EnumerateArray(), e => e.GetProperty("type").GetString() == "ValueRedacted");
            if (clickDeferred)
                Assert.Contains(discord.Edits, e => e.Message.Content?.Contains("You are forgotten", StringComparison.Ordinal) == true);
            transcript.AppendJoin('\n', discord.Edits.Select(e => e.Message.Content)).AppendLine();
            discord.Edits.Clear();

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
                var (_, deferred) = await InvokeAsync(function, signer, InteractionBodies.Command(Next(), name, sub, options, user: NewUser, guild: NewGuild));
                Assert.Equal(5, JsonDocument.Parse(deferred).RootElement.GetProperty("type").GetInt32());
            }
            // The privacy commands deferred too (docs/privacy.md), so the worker runs them: a moderator's redact (it destroys
            // the version's key), an export (ephemeral, the file with the edit), and someone's value that they then forget.
            var privacyCommands = new List<byte[]>
            {
                Redact(Next(), "wifi", 1, user: NewUser, guild: NewGuild),
                InteractionBodies.Command(Next(), "privacy", "export", user: NewUser, guild: NewGuild),
                InteractionBodies.Command(Next(), "remember", "set", new Dictionary<string, string> { ["key"] = "door", ["value"] = "8765" }, user: LateForgetter, guild: NewGuild),
            };
            foreach (var body in privacyCommands)
            {
                var deferred = JsonDocument.Parse((await InvokeAsync(function, signer, body)).Body).RootElement;
                Assert.Equal(5, deferred.GetProperty("type").GetInt32());
            }
            discord.FailNext = 1;
            Assert.Single(await sqs.DeliverAsync(queueName, workerFunction.Handle, batchSize: 1));
            sqs.ExpireVisibility();
            while (sqs.Messages(queueName).Count > 0) Assert.Empty(await sqs.DeliverAsync(queueName, workerFunction.Handle));
            Assert.Equal(Commands.Length + privacyCommands.Count, discord.Edits.Count);
            // The forget-me question, deferred ephemerally, comes back to its asker with the button in the worker's edit; the
            // click (a component: type 6 while the lane is held) is run by the worker, which so runs the erasure itself.
            var question = JsonDocument.Parse((await InvokeAsync(function, signer, InteractionBodies.Command(Next(), "privacy", "forget-me", user: LateForgetter, guild: NewGuild))).Body).RootElement;
            Assert.Equal(5, question.GetProperty("type").GetInt32());
            Assert.Equal(64, question.GetProperty("data").GetProperty("flags").GetInt32());
            while (sqs.Messages(queueName).Count > 0) Assert.Empty(await sqs.DeliverAsync(queueName, workerFunction.Handle));
            var asked = discord.Edits.Last().Message;
            Assert.True(asked.Ephemeral);
            var lateConfirm = Assert.Single(Assert.Single(asked.Components!).Buttons).CustomId;
            var lateClick = JsonDocument.Parse((await InvokeAsync(function, signer, Click(Next(), lateConfirm, LateForgetter, NewGuild))).Body).RootElement;
            Assert.Equal(6, lateClick.GetProperty("type").GetInt32());
            while (sqs.Messages(queueName).Count > 0) Assert.Empty(await sqs.DeliverAsync(queueName, workerFunction.Handle));
            var forgotten = discord.Edits.Last().Message;
            Assert.Contains("You are forgotten", forgotten.Content, StringComparison.Ordinal);
            Assert.Empty(forgotten.Components!);
            var lateExport = Assert.Single(discord.Edits, e => e.Message.Files is { Count: > 0 }).Message;
            Assert.True(lateExport.Ephemeral);
            frozen.SetResult();
            await lanes.DrainAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(Commands.Length + privacyCommands.Count + 2, discord.Edits.Count);

            // A new container of the endpoint (a cold start) has no key in memory: it unwraps the keys it meets (KMS Decrypt).
            using (var thawed = Compose(endpointProcess, queue: true))
            {
                var (status, body) = await InvokeAsync(new InteractionsFunction(thawed), signer, InteractionBodies.Command(Next(), "play", "coin", Commands[5].Options));
                Assert.Equal(200, status);
                transcript.AppendLine(body);
            }
            transcript.AppendJoin('\n', discord.Edits.Select(e => e.Message.Content));

            var text = transcript.ToString();
            Assert.DoesNotContain("failed on my side", text, StringComparison.Ordinal);
            Assert.DoesNotContain("catching up", text, StringComparison.Ordinal);
            Assert.Contains("correct horse", text, StringComparison.Ordinal);
            Assert.Contains("Redacted v1", text, StringComparison.Ordinal);
            // The erasures were re-projected by the projector before the answers.
            Assert.DoesNotContain("still show it", text, StringComparison.Ordinal);
        }
        finally
        {
            await projectorHost.StopAsync();
        }
        into[endpointProcess.Name] = [.. endpointProcess.Calls, .. sqs.Calls.Select(c => new IamCall("sqs:" + c.Operation, "queue/" + c.QueueName[prefix.Length..]))];
        into[workerProcess.Name] = workerProcess.Calls;
    }

    /// <summary>
    /// <c>/remember redact key:K version:N</c> by a moderator (the body's member has every permission). <c>version</c> is
    /// an integer option: Discord sends it as type 4 with a number, not as <see cref="InteractionBodies.Command"/>'s type 3.
    /// </summary>
    static byte[] Redact(string id, string key, int version, string user = "100000000000000001", string guild = Guild) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(InteractionBodies.Command(id, "remember", "redact",
                new Dictionary<string, string> { ["key"] = key, ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) }, user: user, guild: guild))
            .Replace($$"""{"name":"version","type":3,"value":"{{version}}"}""", $$"""{"name":"version","type":4,"value":{{version}}}""", StringComparison.Ordinal));

    /// <summary>A click of a button (a MESSAGE_COMPONENT interaction, type 3) on the bot's message.</summary>
    static byte[] Click(string id, string customId, string user, string guild)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(InteractionBodies.Command(id, "unused", user: user, guild: guild))!.AsObject();
        body["type"] = 3;
        body["data"] = new System.Text.Json.Nodes.JsonObject { ["custom_id"] = customId, ["component_type"] = 2 };
        body["message"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "600000000000000006" };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary><c>/privacy forget-me</c> answered at once (type 4, flag 64) with one red button: its custom_id.</summary>
    static async Task<string> AskForgetMeAsync(InteractionsFunction function, DiscordSigner signer, string id, string user, string guild)
    {
        var (status, body) = await InvokeAsync(function, signer, InteractionBodies.Command(id, "privacy", "forget-me", user: user, guild: guild));
        Assert.Equal(200, status);
        var answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal(4, answer.GetProperty("type").GetInt32());
        Assert.Equal(64, answer.GetProperty("data").GetProperty("flags").GetInt32());
        var button = Assert.Single(Assert.Single(answer.GetProperty("data").GetProperty("components").EnumerateArray()).GetProperty("components").EnumerateArray());
        Assert.Equal(4, button.GetProperty("style").GetInt32());
        return button.GetProperty("custom_id").GetString()!;
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
