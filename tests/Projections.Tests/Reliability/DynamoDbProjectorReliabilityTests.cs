using Amazon.DynamoDBv2;
using Amazon.Runtime;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Faults;
using EventBot.Projections.Core;
using EventBot.Projections.DynamoDb;
using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using EventBot.Projections.Remember;
using EventBot.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Reliability;

/// <summary>The projector on real DynamoDB Local: crashes, throttling, duplicates and reordering never change the outcome.</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbProjectorReliabilityTests(DynamoDbLocalFixture dynamo)
{
    private static readonly GuildId Guild = new(7);

    private sealed record Setup(string Prefix, IAmazonDynamoDB Client, DynamoDbEventStore Store, DynamoDbViewStore Views, Generations Generations)
    {
        public ProjectorCore Core(long? generation = null) => new([new RememberedValues()], Views, Store, EventCodec.Default, Generations,
            new ProjectionSignals(), NullLogger<ProjectorCore>.Instance)
        { TargetGeneration = generation };
    }

    private async Task<Setup> CreateAsync(IAmazonDynamoDB? client = null, TransientRetry? retry = null)
    {
        var prefix = $"r{Guid.NewGuid():N}-";
        await EventBotTableAdmin.CreateAsync(dynamo.Client, prefix, default);
        client ??= dynamo.Client;
        var options = new DynamoDbStoreOptions { TablePrefix = prefix, ScanSegments = 4 };
        var views = new DynamoDbViewStore(client, options, retry);
        return new Setup(prefix, client, new DynamoDbEventStore(client, options, TimeProvider.System, retry), views, new Generations(views));
    }

    private StreamsPoller Poller(Setup s, IStreamBatchHandler handler, HttpMessageHandler? http = null) =>
        new(dynamo.StreamsClient(http), handler, new ViewStoreShardCheckpoints(s.Views),
            Options.Create(new StreamsPollerOptions { TableName = EventBotTables.EventsTableName(s.Prefix), BatchLimit = 7, InitialBackoff = TimeSpan.FromMilliseconds(1), MaxRetries = 20 }),
            TimeProvider.System, NullLogger<StreamsPoller>.Instance, dynamo.Client);

    private static async Task DrainAsync(StreamsPoller poller, int rounds = 200)
    {
        var idle = 0;
        for (var round = 0; round < rounds && idle < 3; round++)
        {
            var result = await poller.PollOnceAsync(CancellationToken.None);
            idle = !result.MorePending && result.RecordsDelivered == 0 ? idle + 1 : 0;
        }
        Assert.True(idle >= 3, "the poller did not catch up");
    }

    /// <summary>Appends like a handler: read the version, append, retry on conflict. Each call is one chat message.</summary>
    private static async Task AppendAsync(IEventStore store, string key, RememberEvent e, string source)
    {
        var stream = new StreamName(RememberStream.For(Guild, MemoryKey.Parse(key)));
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var version = (await store.ReadStreamAsync(stream, 1, default)).Count;
            var result = await store.AppendAsync(stream, version, [EventCodec.Default.Encode(e)], new AppendContext(Guild.ToString(), "1", "tester", source), default);
            if (result is AppendResult.Appended or AppendResult.AlreadyProcessed) return;
            await Task.Delay(Random.Shared.Next(1, 8));
        }
        throw new TimeoutException($"{source} never got in");
    }

    private static async Task SeedAsync(IEventStore store, int events, int keys, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < events; i++)
        {
            var key = $"key {random.Next(keys)}";
            RememberEvent e = random.Next(5) == 0 ? new ValueForgotten(key, "x") : new ValueRemembered(key, $"v{i}", null);
            await AppendAsync(store, key, e, $"seed-{i}");
        }
    }

    private static async Task<List<EventEnvelope>> AllAsync(IEventReader store)
    {
        var all = new List<EventEnvelope>();
        await foreach (var e in store.ReadAllAsync(default)) all.Add(e);
        return all;
    }

    private static async Task<List<(string Sort, string Body, string Applied)>> DumpAsync(Setup s, long generation) =>
        [.. (await s.Views.QueryAsync(Generations.PhysicalPartition(RememberedValues.ProjectionName, generation, Guild.ToString()), default))
            .Select(r => (r.Key.Sort, r.Body, string.Join(",", r.Applied.OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}"))))
            .OrderBy(r => r.Sort, StringComparer.Ordinal)];

    private static async Task<List<(string, string, string)>> FromScratchAsync(Setup s, long generation)
    {
        Assert.Null((await s.Core(generation).ProjectAsync(await AllAsync(s.Store), default)).FirstFailedIndex);
        return await DumpAsync(s, generation);
    }

    [Fact]
    public async Task A_projector_killed_mid_batch_and_restarted_equals_a_from_scratch_projection()
    {
        var s = await CreateAsync();
        await SeedAsync(s.Store, events: 60, keys: 6, seed: 1);

        // The first projector dies part-way through a batch: some rows written, no checkpoint for the batch.
        var crashing = s.Core();
        var applied = 0;
        // From the 25th event on, this process is dead: nothing it does completes any more.
        crashing.FaultInjector = _ => ++applied >= 25 ? new InvalidOperationException("process killed") : null;
        using (var poller = Poller(s, new CrashOnFailure(new StreamsProjectionHandler(crashing, new StreamFeedCounters(), NullLogger<StreamsProjectionHandler>.Instance))))
        {
            // The poller survives a throwing handler and redelivers, but the dead process never gets further.
            for (var round = 0; round < 5; round++)
                await poller.PollOnceAsync(CancellationToken.None);
        }
        Assert.NotEqual(await FromScratchAsync(s, generation: 98), await DumpAsync(s, generation: 1));

        using (var restarted = Poller(s, new StreamsProjectionHandler(s.Core(), new StreamFeedCounters(), NullLogger<StreamsProjectionHandler>.Instance)))
            await DrainAsync(restarted);

        Assert.True(applied >= 25);
        Assert.Equal(await FromScratchAsync(s, generation: 99), await DumpAsync(s, generation: 1));
    }

    [Fact]
    public async Task Duplicated_and_reordered_delivery_converges_on_DynamoDB_too()
    {
        var s = await CreateAsync();
        await SeedAsync(s.Store, events: 40, keys: 4, seed: 2);
        var all = await AllAsync(s.Store);
        var expected = await FromScratchAsync(s, generation: 100);

        for (var trial = 0; trial < 4; trial++)
        {
            var random = new Random(trial);
            var delivery = all.Concat(all.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();
            var core = s.Core(generation: 200 + trial);
            foreach (var chunk in delivery.Chunk(9))
                Assert.Null((await core.ProjectAsync(chunk, default)).FirstFailedIndex);
            Assert.Equal(expected, await DumpAsync(s, 200 + trial));
        }
    }

    [Fact]
    public async Task Throttling_and_5xx_are_retried_and_nothing_is_lost_or_doubled()
    {
        var faults = new FaultInjectingHandler(new HttpClientHandler(), everyNth: 4);
        using var faulty = new AmazonDynamoDBClient(dynamo.Credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = dynamo.ServiceUrl.ToString(),
            AuthenticationRegion = DynamoDbLocalFixture.Region,
            HttpClientFactory = new FaultInjectingHttpClientFactory(faults),
            // The SDK gives up at the first fault: every throttle, 5xx and lost answer reaches our own retry, so this
            // proves the stores' retry (and the append's ClientRequestToken), not the SDK's.
            MaxErrorRetry = 0,
            RetryMode = RequestRetryMode.Standard,
        });
        var retry = new TransientRetry(new RetrySettings(MaxRetries: 8, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20)), TimeProvider.System);
        var s = await CreateAsync(faulty, retry);
        var streamFaults = new FaultInjectingHandler(new HttpClientHandler(), everyNth: 3);

        // Eight writers, ten messages each, on four hot keys, through the faulty client.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
                await AppendAsync(s.Store, $"key {(w + i) % 4}", new ValueRemembered($"key {(w + i) % 4}", $"w{w}-{i}", null), $"w{w}-{i}");
        })));
        using (var poller = Poller(s, new StreamsProjectionHandler(s.Core(), new StreamFeedCounters(), NullLogger<StreamsProjectionHandler>.Instance), streamFaults))
            await DrainAsync(poller);

        var all = await AllAsync(new DynamoDbEventStore(dynamo.Client, new DynamoDbStoreOptions { TablePrefix = s.Prefix }, TimeProvider.System));
        Assert.True(faults.Throttled > 0 && faults.ServerErrors > 0 && faults.LostResponses > 0, "every kind of fault was injected");
        Assert.True(streamFaults.Throttled + streamFaults.ServerErrors > 0, "the Streams client saw faults too");
        Assert.True(retry.Retries >= faults.Throttled + faults.ServerErrors + faults.LostResponses, $"our retry answered every fault ({retry.Retries} retries)");
        Assert.Equal(80, all.Count);
        Assert.Equal(80, all.Select(e => e.Source).Distinct().Count());
        foreach (var stream in all.GroupBy(e => e.StreamId))
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.Version).Order());
        Assert.Equal(await FromScratchAsync(s, generation: 99), await DumpAsync(s, generation: 1));
    }

    /// <summary>Turns a reported failure into an exception, as a process that dies mid-batch would leave things.</summary>
    private sealed class CrashOnFailure(IStreamBatchHandler inner) : IStreamBatchHandler
    {
        public async Task<StreamBatchOutcome> HandleAsync(IReadOnlyList<StreamRecord> records, CancellationToken ct)
        {
            var outcome = await inner.HandleAsync(records, ct);
            return outcome.FirstFailedIndex is null ? outcome : throw new InvalidOperationException("crashed mid-batch");
        }
    }
}
