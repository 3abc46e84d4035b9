using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using EventBot.EventStore.Faults;
using EventBot.Testing;
using EventBot.Testing.Faults;
using Xunit.Abstractions;

namespace EventBot.Lambda.Tests;

/// <summary>
/// The Lambda handler on a faulty batch: its DynamoDB calls (gap-fill reads, view writes, generation pointers, dead
/// letters) go through the fault injector with the SDK's retries off, so every fault reaches our retry.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class LambdaFaultTests(DynamoDbLocalFixture dynamo, ITestOutputHelper output)
{
    [Fact]
    public async Task A_faulty_batch_ends_with_the_read_models_of_a_clean_one_and_no_dead_letters()
    {
        var world = await LambdaWorld.CreateAsync(dynamo);
        await world.AppendHistoryAsync();
        var records = await LambdaStreamEvents.ReadRecordsAsync(dynamo, world.EventsTable);
        var faults = new FaultInjector(new FaultPlan { Throttle = 0.15, ServerError = 0.05, Drop = 0.02, LostResponse = 0.02, Slow = 0.02, SlowDelay = TimeSpan.FromMilliseconds(50), Seed = 8 });
        using var client = new AmazonDynamoDBClient(dynamo.Credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = dynamo.ServiceUrl.ToString(),
            AuthenticationRegion = DynamoDbLocalFixture.Region,
            HttpClientFactory = new FaultInjectingHttpClientFactory(new FaultInjectingHandler(faults)),
            MaxErrorRetry = 0,
        });
        var retry = new TransientRetry(new RetrySettings(MaxRetries: 6, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20)), TimeProvider.System);
        var function = world.Function(client, retry, out var composition);

        // As the event source mapping does: deliver, and deliver again from the reported failure, until none is left.
        var pending = records.ToList();
        var invocations = 0;
        while (pending.Count > 0 && invocations < 20)
        {
            invocations++;
            var answer = JsonNode.Parse(await function.Handle(new MemoryStream(Encoding.UTF8.GetBytes(LambdaStreamEvents.LambdaEvent(pending)))))!;
            var failed = answer["batchItemFailures"]!.AsArray().Select(f => f!["itemIdentifier"]!.GetValue<string>()).FirstOrDefault();
            pending = failed is null ? [] : [.. pending.SkipWhile(r => LambdaStreamEvents.SequenceNumber(r) != failed)];
        }

        Assert.Empty(pending);
        Assert.True(faults.Failures > 0, faults.Summary());
        Assert.True(retry.Retries >= faults.Failures, $"{retry.Retries} retries for {faults.Summary()}");
        var views = await world.ViewsAsync();
        Assert.DoesNotContain(views, row => row.StartsWith("deadletters", StringComparison.Ordinal));
        Assert.Equal(await world.ViewsAsync(await world.ProjectReferenceAsync()), views);

        var table = $"| faults injected | retries (ours) | invocations | records | events applied | dead letters | lost |\n| --- | --- | --- | --- | --- | --- | --- |\n" +
            $"| {faults.Summary()} | {retry.Retries} | {invocations} | {records.Count} | {composition.Counters.Applied} | 0 | 0 |\n";
        output.WriteLine(table);
        if (Environment.GetEnvironmentVariable("EVENTBOT_FAULT_REPORT") is { Length: > 0 } report) await File.AppendAllTextAsync(report, "Lambda handler\n" + table);
    }
}
