using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Faults;
using EventBot.Testing;
using EventBot.Testing.Faults;

namespace EventBot.EventStore.Tests.Faults;

/// <summary>
/// Appends through the fault injector with the SDK's own retries off, so every fault reaches the store and it is the
/// store's retry (and its ClientRequestToken) that is on trial.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbAppendFaultTests(DynamoDbLocalFixture dynamo)
{
    private static readonly StreamName Stream = new("remember/1/k");

    private async Task<(DynamoDbEventStore Store, string Prefix, FaultInjector Faults, AmazonDynamoDBClient Client)> CreateAsync(FaultPlan plan, int maxRetries = 6)
    {
        var prefix = $"f{Guid.NewGuid():N}-";
        foreach (var table in EventBotTables.All(prefix)) await dynamo.Client.CreateTableAsync(table);
        var faults = new FaultInjector(plan);
        var client = new AmazonDynamoDBClient(dynamo.Credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = dynamo.ServiceUrl.ToString(),
            AuthenticationRegion = DynamoDbLocalFixture.Region,
            HttpClientFactory = new FaultInjectingHttpClientFactory(new FaultInjectingHandler(faults)),
            MaxErrorRetry = 0,
        });
        var retry = new TransientRetry(new RetrySettings(maxRetries, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)), TimeProvider.System);
        return (new DynamoDbEventStore(client, new DynamoDbStoreOptions { TablePrefix = prefix }, TimeProvider.System, retry), prefix, faults, client);
    }

    private static Func<string, bool> FirstTransactions(int count)
    {
        var seen = 0;
        return target => target.EndsWith(".TransactWriteItems", StringComparison.Ordinal) && Interlocked.Increment(ref seen) <= count;
    }

    private async Task<int> EventCountAsync(string prefix) =>
        (await dynamo.Client.ScanAsync(new ScanRequest { TableName = EventBotTables.EventsTableName(prefix), ConsistentRead = true })).Items.Count(EventItem.IsEvent);

    private static Task<AppendResult> AppendAsync(IEventStore store, string source) =>
        store.AppendAsync(Stream, 0, [new EventData("T", 1, "{}")], new AppendContext("1", "2", "a", source), default);

    [Fact]
    public async Task A_transaction_cancelled_only_by_conflicts_is_retried_and_appends_once()
    {
        var (store, prefix, faults, client) = await CreateAsync(new FaultPlan { Conflict = 1, AppliesTo = FirstTransactions(3) });
        using (client)
        {
            var result = await AppendAsync(store, "m1");

            Assert.IsType<AppendResult.Appended>(result);
            Assert.Equal(3, faults.Count(FaultKind.Conflict));
            Assert.Equal(1, await EventCountAsync(prefix));
        }
    }

    [Fact]
    public async Task A_lost_answer_to_a_committed_append_is_a_success_not_handled_before()
    {
        // The transaction commits, its answer is lost, the retry resends it with the same ClientRequestToken.
        var (store, prefix, faults, client) = await CreateAsync(new FaultPlan { LostResponse = 1, AppliesTo = FirstTransactions(1) });
        using (client)
        {
            var result = await AppendAsync(store, "m1");

            Assert.Equal(1, faults.Count(FaultKind.LostResponse));
            Assert.IsType<AppendResult.Appended>(result);
            Assert.Equal(1, await EventCountAsync(prefix));
            // A real redelivery of the same message still finds the marker.
            Assert.IsType<AppendResult.AlreadyProcessed>(await store.AppendAsync(Stream, 1, [new EventData("T", 1, "{}")], new AppendContext("1", "2", "a", "m1"), default));
        }
    }

    [Fact]
    public async Task Throttles_and_5xx_on_the_append_and_its_reads_are_retried()
    {
        var (store, prefix, faults, client) = await CreateAsync(new FaultPlan { Throttle = 0.3, ServerError = 0.1, Drop = 0.1, Seed = 4 }, maxRetries: 12);
        using (client)
        {
            for (var i = 0; i < 20; i++)
            {
                var version = (await store.ReadStreamAsync(Stream, 1, default)).Count;
                var result = await store.AppendAsync(Stream, version, [new EventData("T", 1, "{}")], new AppendContext("1", "2", "a", $"m{i}"), default);
                Assert.IsType<AppendResult.Appended>(result);
            }
            Assert.True(faults.Count(FaultKind.Throttle) > 0 && faults.Count(FaultKind.ServerError) > 0 && faults.Count(FaultKind.Drop) > 0, faults.Summary());
            Assert.Equal(20, await EventCountAsync(prefix));
        }
    }

    [Fact]
    public async Task After_the_budget_a_throttled_append_fails_as_transient_and_appends_nothing()
    {
        var (store, prefix, faults, client) = await CreateAsync(new FaultPlan { Throttle = 1, AppliesTo = t => t.EndsWith(".TransactWriteItems", StringComparison.Ordinal) }, maxRetries: 3);
        using (client)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => AppendAsync(store, "m1"));

            Assert.Equal(FailureKind.Throttled, Failures.Classify(error));
            Assert.Equal(4, faults.Count(FaultKind.Throttle));
            Assert.Equal(0, await EventCountAsync(prefix));
        }
    }

    [Fact]
    public void The_client_request_token_is_stable_for_one_append_and_differs_between_appends()
    {
        var id = Guid.CreateVersion7();
        var token = DynamoDbEventStore.ClientRequestToken("eventbot-events", "discord:1", "remember/1/k", 3, id);
        Assert.Equal(36, token.Length);
        Assert.Equal(token, DynamoDbEventStore.ClientRequestToken("eventbot-events", "discord:1", "remember/1/k", 3, id));
        Assert.NotEqual(token, DynamoDbEventStore.ClientRequestToken("other-events", "discord:1", "remember/1/k", 3, id));
        Assert.NotEqual(token, DynamoDbEventStore.ClientRequestToken("eventbot-events", "discord:1", "remember/1/k", 4, id));
        Assert.NotEqual(token, DynamoDbEventStore.ClientRequestToken("eventbot-events", "discord:1", "remember/1/k", 3, Guid.CreateVersion7()));
        var request = DynamoDbEventStore.BuildAppendRequest("t", [new EventEnvelope("s", 1, id, "T", 1, "{}", "1", "2", "a", "m", DateTimeOffset.UnixEpoch)], 0, "m", DateTimeOffset.UnixEpoch);
        Assert.Null(request.ClientRequestToken); // set by the store, which knows the table
    }
}
