using System.Text;
using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Privacy;
using EventBot.Bot.Hosting;
using EventBot.Domain.Common;
using EventBot.EventStore.DynamoDb;
using EventBot.Lambda;
using EventBot.Lambda.Tests;
using EventBot.Projections.Core;
using EventBot.Projections.DynamoDb;
using EventBot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventBot.Infrastructure.Tests.Iam;

/// <summary>
/// Real sessions of every process that runs on AWS with a role of its own, each behind its own recording proxy on
/// DynamoDB Local. Tables are made beforehand by the operator (<c>tables create</c> / Terraform), outside the
/// recording, as in production. A new process is one more session here and one line in <see cref="IamRoles"/>.
/// </summary>
public static class IamSessions
{
    /// <summary>Every process's calls, by process name (<see cref="IamRoles.Processes"/>).</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<IamCall>>> RecordAllAsync(DynamoDbLocalFixture dynamo)
    {
        var calls = new Dictionary<string, IReadOnlyList<IamCall>>(StringComparer.Ordinal);
        await BotWithProjectorVerbAsync(dynamo, calls);
        await LambdaProjectorAsync(dynamo, calls);
        await InteractionSessions.RecordAsync(dynamo, calls);
        return calls;
    }

    /// <summary>Every command of the bot, and a redelivered message, as the bot speaks them on Discord.</summary>
    public static readonly string[] Commands =
    [
        ".help",
        ".remember wifi is hunter2",
        ".remember wifi is correct horse battery",   // an existing stream: ConditionCheck + Put
        ".remember wifi",
        ".remember lunch is pizza",
        ".forget lunch",
        ".remember lunch",
        ".remember restore wifi 1",
        ".remember history wifi",
        ".remember history",
        ".remember search wi",
        ".remember wifi as of 2020-01-01",
        ".remember wifi as of 1m ago",
        ".sparkle @bob for the review",
        ".sparkle @carol",
        ".show sparkles @bob",
        ".show sparkles",
        ".play coin heads",
        ".play rps rock",
        ".play dice 2d6 8",
        ".play stats",
        ".play stats @bob",
        ".leaderboard sparkles week",
        ".leaderboard sparkles all",
        ".lb play all",
        ".lb play rps month",
        ".stats",
    ];

    /// <summary>
    /// The bot with <c>EVENTBOT_PROJECTOR=off</c> running every command, and beside it the <c>projector</c> verb (the
    /// Streams poller) keeping the read models current, so each write's read-your-writes wait is answered as on AWS;
    /// one record fails once in the poller (dead letter written, then removed). Two processes, two proxies, two
    /// recordings.
    /// </summary>
    static async Task BotWithProjectorVerbAsync(DynamoDbLocalFixture dynamo, Dictionary<string, IReadOnlyList<IamCall>> into)
    {
        var prefix = $"iam{Guid.NewGuid():N}-";
        var tables = await EventBotTableAdmin.CreateAsync(dynamo.Client, prefix, CancellationToken.None);
        Assert.True(tables.IsOk, tables.ToString());

        await using var projector = await RecordedProcess.StartAsync(IamRoles.ProjectorVerb, prefix, dynamo);
        await using var bot = await RecordedProcess.StartAsync(IamRoles.Bot, prefix, dynamo);
        using var projectorHost = projector.Configure(BotHost.CreateBuilder(Environment(prefix), projectorOnly: true)).Build();
        // One record fails once: the poller writes its dead letter, delivers it again, and removes the letter.
        var failures = 0;
        projectorHost.Services.GetRequiredService<ProjectorCore>().FaultInjector = e =>
            e.StreamId.EndsWith("/lunch", StringComparison.Ordinal) && e.Version == 1 && Interlocked.Increment(ref failures) == 1
                ? new InvalidOperationException("injected: fails once")
                : null;
        await projectorHost.StartAsync();
        try
        {
            var environment = Environment(prefix);
            environment["EVENTBOT_PROJECTOR"] = "off";
            using var botHost = bot.Configure(BotHost.CreateBuilder(environment)).Build();
            await botHost.StartAsync();
            var chat = botHost.Services.GetRequiredService<ChatBot>();
            var guild = GuildId.FromName("iam");
            var alice = new ChatUser(UserId.FromName("alice"), "alice");
            var transcript = new StringBuilder();
            ChatMessage? again = null;
            foreach (var command in Commands)
            {
                var message = new ChatMessage(Guid.CreateVersion7().ToString(), guild, alice, command, ConsoleMentions.Find(command), "discord");
                if (command == ".play coin heads") again = message;
                var reply = await chat.HandleAsync(message, CancellationToken.None);
                transcript.Append("> ").AppendLine(command).AppendLine(reply?.Text);
            }
            // Discord delivers a message again (a resumed gateway). A play would append again, so the append meets the
            // idempotency marker and reads it to answer with the first outcome.
            var replay = await chat.HandleAsync(again!, CancellationToken.None);
            transcript.Append("> (again) ").AppendLine(again!.Content).AppendLine(replay?.Text);
            // The bot is removed from a server (GUILD_DELETE): the retention of docs/privacy.md schedules its purge.
            var removed = ActivatorUtilities.CreateInstance<GuildRetention>(botHost.Services);
            await removed.LoadAsync(CancellationToken.None);
            await removed.OnRemovedAsync(guild.ToString(), CancellationToken.None);
            await botHost.StopAsync();
            // The projector verb indexes the schedule (watched without the recording: the bot's calls stay its own).
            await WaitForPendingPurgeAsync(dynamo, prefix, guild);
            // A restarted bot has no key in memory: it unwraps them again (the lookup and guild keys: KMS Decrypt).
            using (var restarted = bot.Configure(BotHost.CreateBuilder(environment)).Build())
            {
                await restarted.StartAsync();
                var history = await restarted.Services.GetRequiredService<ChatBot>().HandleAsync(
                    new ChatMessage(Guid.CreateVersion7().ToString(), guild, alice, ".remember history wifi", [], "discord"), CancellationToken.None);
                transcript.Append("> (restarted) .remember history wifi\n").AppendLine(history?.Text);
                // The Discord bot's start pass and hourly check list the pending purges from the index (a Query of the
                // views, never a Scan of the events), and GUILD_CREATE (added back) cancels the purge.
                var retention = ActivatorUtilities.CreateInstance<GuildRetention>(restarted.Services);
                await retention.LoadAsync(CancellationToken.None);
                Assert.Contains(guild.ToString(), retention.Pending.Keys);
                Assert.Equal(0, await retention.PurgeDueAsync(CancellationToken.None));
                await retention.OnAvailableAsync(guild.ToString(), CancellationToken.None);
                Assert.Empty(retention.Pending);
                await restarted.StopAsync();
            }

            var text = transcript.ToString();
            Assert.DoesNotContain("failed on my side", text, StringComparison.Ordinal);
            // The projector verb answered every write in time: the session saw the same calls as a healthy deployment.
            Assert.DoesNotContain("catching up", text, StringComparison.Ordinal);
            Assert.Contains("correct horse battery", text, StringComparison.Ordinal);
            Assert.True(failures >= 1, "the injected failure never happened");
            var letters = new DeadLetterStore(new DynamoDbViewStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix }), TimeProvider.System);
            Assert.Empty(await letters.ListAsync(CancellationToken.None));
        }
        finally
        {
            await projectorHost.StopAsync();
        }
        into[bot.Name] = bot.Calls;
        into[projector.Name] = projector.Calls;
    }

    static async Task WaitForPendingPurgeAsync(DynamoDbLocalFixture dynamo, string prefix, GuildId guild)
    {
        var views = new DynamoDbViewStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = prefix });
        var index = new ReadModels(views, new Generations(views));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await GuildRetention.FindPendingAsync(index, CancellationToken.None)).Any(p => p.Guild == guild.ToString()))
        {
            Assert.True(DateTime.UtcNow < deadline, "the projector verb never indexed the scheduled purge");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The Lambda function as the runtime runs it (one warm container, <see cref="ProjectorFunction.Handle"/> per batch)
    /// on records read from the stream: a record that fails once and then succeeds (its dead letter is written, then
    /// removed), a gap filled from the events table, and redelivered duplicates.
    /// </summary>
    static async Task LambdaProjectorAsync(DynamoDbLocalFixture dynamo, Dictionary<string, IReadOnlyList<IamCall>> into)
    {
        var world = await LambdaWorld.CreateAsync(dynamo);
        await world.AppendHistoryAsync();
        // The event source mapping reads the stream with the role too; those calls are the service's (IamRoles).
        var records = await LambdaStreamEvents.ReadRecordsAsync(dynamo, world.EventsTable);

        await using var lambda = await RecordedProcess.StartAsync(IamRoles.LambdaProjector, world.Prefix, dynamo);
        var composition = ProjectorComposition.Create(lambda.Client, world.Prefix, NullLoggerFactory.Instance);
        var function = new ProjectorFunction(composition);
        var wifi = LambdaWorld.RememberStreamId("wifi");
        var failures = 0;
        composition.Core.FaultInjector = e => e.StreamId == wifi && e.Version == 1 && Interlocked.Increment(ref failures) == 1
            ? new InvalidOperationException("injected: fails once")
            : null;

        var meeting = LambdaWorld.RememberStreamId("meeting");
        var others = records.Where(r => LambdaStreamEvents.Key(r).StreamId != meeting).ToList();
        var meetings = records.Where(r => LambdaStreamEvents.Key(r).StreamId == meeting).ToList();

        // 1. wifi v1 fails once: a dead letter is written and the batch answers it as the first failure.
        var failedAt = await InvokeAsync(function, others);
        Assert.NotNull(failedAt);
        var letters = new DeadLetterStore(new DynamoDbViewStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = world.Prefix }), TimeProvider.System);
        Assert.Single(await letters.ListAsync(CancellationToken.None));

        // 2. The mapping delivers again from that record: it applies, and its dead letter is removed.
        var from = others.FindIndex(r => LambdaStreamEvents.SequenceNumber(r) == failedAt);
        Assert.Null(await InvokeAsync(function, others[from..]));
        Assert.Empty(await letters.ListAsync(CancellationToken.None));

        // 3. Only the newest event of a stream arrives: the versions before it are read from the events table.
        Assert.Null(await InvokeAsync(function, [meetings[^1]]));
        // 4. The earlier records come late (and the whole batch again): duplicates, nothing to do.
        Assert.Null(await InvokeAsync(function, meetings));
        Assert.Null(await InvokeAsync(function, records));

        Assert.Equal(await world.ViewsAsync(await world.ProjectReferenceAsync()), await world.ViewsAsync());

        // 5. An event written through the privacy layer (docs/privacy.md): the function reveals it (keys table, KMS
        // Decrypt) before projecting. Written by another process with the same KMS key, outside the recording.
        await using (var writer = await RecordedProcess.StartAsync("writer", world.Prefix, dynamo))
        {
            var options = new DynamoDbStoreOptions { TablePrefix = world.Prefix };
            var ring = new EventBot.EventStore.Privacy.KeyRing(new EventBot.EventStore.Privacy.DynamoDbKeyStore(dynamo.Client, options),
                new EventBot.EventStore.Privacy.KmsMasterKey(writer.Kms, RecordedProcess.KmsKeyId), TimeProvider.System);
            var store = EventBot.EventStore.Privacy.PrivateEventStore.Wrap(new DynamoDbEventStore(dynamo.Client, options, TimeProvider.System),
                new EventBot.EventStore.Privacy.EventPrivacy(ring));
            await store.AppendAsync(new EventBot.EventStore.StreamName(EventBot.Domain.Remember.RememberStream.For(new EventBot.Domain.Common.GuildId(42), EventBot.Domain.Remember.MemoryKey.Create("secret").Value)),
                0, [EventBot.EventStore.EventCodec.Default.Encode(new EventBot.Domain.Remember.RememberEvent.ValueRemembered("secret", "s3cr3t", null))],
                new EventBot.EventStore.AppendContext(LambdaWorld.Guild, "7", "writer", "privacy-session"), CancellationToken.None);
        }
        var encrypted = (await LambdaStreamEvents.ReadRecordsAsync(dynamo, world.EventsTable)).Where(r => LambdaStreamEvents.Key(r).StreamId.EndsWith("/secret", StringComparison.Ordinal)).ToList();
        var privateComposition = ProjectorComposition.Create(lambda.Client, world.Prefix, NullLoggerFactory.Instance,
            master: new EventBot.EventStore.Privacy.KmsMasterKey(lambda.Kms, RecordedProcess.KmsKeyId));
        Assert.Null(await InvokeAsync(new ProjectorFunction(privateComposition), encrypted));
        into[lambda.Name] = lambda.Calls;
    }

    static async Task<string?> InvokeAsync(ProjectorFunction function, IEnumerable<System.Text.Json.Nodes.JsonObject> records)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(LambdaStreamEvents.LambdaEvent(records)));
        using var output = await function.Handle(input);
        using var answer = await System.Text.Json.JsonDocument.ParseAsync(output);
        return answer.RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()).FirstOrDefault();
    }

    static Dictionary<string, string?> Environment(string prefix) => new()
    {
        ["EVENTBOT_STORE"] = "dynamodb",
        ["EVENTBOT_TABLE_PREFIX"] = prefix,
        ["EVENTBOT_CREATE_TABLES"] = "false",
        // The master key of docs/privacy.md, as on AWS (RecordedProcess points the KMS client at its fake).
        ["EVENTBOT_KMS_KEY_ID"] = RecordedProcess.KmsKeyId,
        // Generous, for a loaded machine: a reply that gave up waiting would still make the same calls, but the
        // session asserts that none did, so it stays a healthy deployment's session.
        ["EVENTBOT_READ_YOUR_WRITES_MS"] = "30000",
        ["EVENTBOT_DATA_DIR"] = Path.Combine(Path.GetTempPath(), "eventbot-iam", prefix),
    };
}
