using System.Text;
using System.Text.Json.Nodes;
using EventBot.Projections.Remember;
using EventBot.Projections.Sparkle;
using EventBot.Testing;

namespace EventBot.Lambda.Tests;

/// <summary>The handler on real EventBot events: appended by the store to DynamoDB Local, read back from its stream.</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class ProjectorFunctionTests(DynamoDbLocalFixture dynamo)
{
    private static async Task<JsonNode> InvokeAsync(ProjectorFunction function, string lambdaEvent)
    {
        var output = await function.Handle(new MemoryStream(Encoding.UTF8.GetBytes(lambdaEvent)));
        Assert.Equal(0, output.Position);
        return JsonNode.Parse(output)!;
    }

    private static string[] Failures(JsonNode answer) =>
        [.. answer["batchItemFailures"]!.AsArray().Select(f => f!["itemIdentifier"]!.GetValue<string>())];

    [Fact]
    public async Task A_batch_of_real_stream_records_gives_the_read_models_the_projector_core_gives()
    {
        var world = await LambdaWorld.CreateAsync(dynamo);
        await world.AppendHistoryAsync();
        var records = await LambdaStreamEvents.ReadRecordsAsync(dynamo, world.EventsTable);
        var function = world.Function(out var composition);

        var answer = await InvokeAsync(function, LambdaStreamEvents.LambdaEvent(records));

        Assert.Empty(Failures(answer));
        // Ten events, each appended with its idempotency marker: markers are skipped, never projected.
        Assert.Equal(20, records.Count);
        Assert.Equal(10, composition.Counters.Applied);
        Assert.Equal(10, composition.Counters.SkippedForeign);
        Assert.Equal(0, composition.Counters.SkippedRemoves);
        var reference = await world.ProjectReferenceAsync();
        var expected = await world.ViewsAsync(reference);
        Assert.Equal(expected, await world.ViewsAsync());
        Assert.Contains(expected, row => row.Contains("correct horse", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_invocation_writes_one_embedded_metric_format_line_with_applied_lag_and_dead_letters()
    {
        var world = await LambdaWorld.CreateAsync(dynamo);
        await world.AppendHistoryAsync();
        var records = await LambdaStreamEvents.ReadRecordsAsync(dynamo, world.EventsTable);
        var function = world.Function(out var composition);
        var metrics = new StringWriter();
        composition.MetricsOut = metrics;

        await InvokeAsync(function, LambdaStreamEvents.LambdaEvent(records));

        var line = Assert.Single(metrics.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var emf = JsonNode.Parse(line)!;
        var directive = emf["_aws"]!["CloudWatchMetrics"]![0]!;
        Assert.Equal("EventBot", directive["Namespace"]!.GetValue<string>());
        Assert.Equal("Feed", directive["Dimensions"]![0]![0]!.GetValue<string>());
        Assert.Equal(["eventbot.projector.applied", "eventbot.projector.lag", "eventbot.deadletters"],
            directive["Metrics"]!.AsArray().Select(m => m!["Name"]!.GetValue<string>()));
        Assert.Equal("lambda", emf["Feed"]!.GetValue<string>());
        Assert.Equal(10, emf["eventbot.projector.applied"]!.GetValue<long>());
        Assert.True(emf["eventbot.projector.lag"]!.GetValue<double>() >= 0);
        Assert.Equal(0, emf["eventbot.deadletters"]!.GetValue<long>());
        Assert.True(emf["_aws"]!["Timestamp"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task The_same_batch_twice_changes_nothing_the_second_time()
    {
        var world = await LambdaWorld.CreateAsync(dynamo);
        await world.AppendHistoryAsync();
        var lambdaEvent = LambdaStreamEvents.LambdaEvent(await LambdaStreamEvents.ReadRecordsAsync(dynamo, world.EventsTable));
        var function = world.Function(out _);

        Assert.Empty(Failures(await InvokeAsync(function, lambdaEvent)));
        var once = await world.ViewsAsync();
        Assert.Empty(Failures(await InvokeAsync(function, lambdaEvent)));

        Assert.Equal(once, await world.ViewsAsync());
        Assert.Equal(await world.ViewsAsync(await world.ProjectReferenceAsync()), once);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Records_shuffled_across_streams_and_versions_give_the_same_read_models(int seed)
    {
        var world = await LambdaWorld.CreateAsync(dynamo);
        await world.AppendHistoryAsync();
        var records = await LambdaStreamEvents.ReadRecordsAsync(dynamo, world.EventsTable);
        var shuffled = records.ToArray();
        new Random(seed).Shuffle(shuffled);
        Assert.NotEqual(records.Select(LambdaStreamEvents.SequenceNumber), shuffled.Select(LambdaStreamEvents.SequenceNumber));
        var function = world.Function(out _);

        // Later versions first: the core fills the gap from the store, and the earlier records then count as duplicates.
        Assert.Empty(Failures(await InvokeAsync(function, LambdaStreamEvents.LambdaEvent(shuffled))));

        Assert.Equal(await world.ViewsAsync(await world.ProjectReferenceAsync()), await world.ViewsAsync());
    }

    [Fact]
    public async Task A_failing_record_is_the_one_batch_item_failure_and_nothing_after_it_is_applied()
    {
        var world = await LambdaWorld.CreateAsync(dynamo);
        await world.RememberAsync("wifi", "hunter2", 0);
        await world.RememberAsync("wifi", "correct horse", 1, "hunter2");
        await world.SparkleAsync(1, 2, "later", 0);
        var records = await LambdaStreamEvents.ReadRecordsAsync(dynamo, world.EventsTable);
        var failing = records.Single(r => LambdaStreamEvents.Key(r) == (LambdaWorld.RememberStreamId("wifi"), 2));
        var function = world.Function(out var composition);
        composition.Core.FaultInjector = e => e.StreamId == LambdaWorld.RememberStreamId("wifi") && e.Version == 2
            ? new InvalidOperationException("injected")
            : null;

        var answer = await InvokeAsync(function, LambdaStreamEvents.LambdaEvent(records));

        Assert.Equal([LambdaStreamEvents.SequenceNumber(failing)], Failures(answer));
        // The version before the failure was applied; the sparkle, later in the batch, was not.
        var views = await world.ViewsAsync();
        Assert.Contains(views, row => row.Contains("hunter2", StringComparison.Ordinal) && !row.Contains("correct horse", StringComparison.Ordinal));
        Assert.False(await world.RowExistsAsync(SparkleTotals.ProjectionName, SparkleTotals.RowFor(LambdaWorld.Guild, 2)));
        Assert.True(await world.RowExistsAsync(RememberedValues.ProjectionName, RememberedValues.RowFor(LambdaWorld.Guild, "wifi")));

        // Lambda redelivers from the failed record on; once it applies, the read models are complete.
        composition.Core.FaultInjector = null;
        var rest = records.SkipWhile(r => r != failing);
        Assert.Empty(Failures(await InvokeAsync(function, LambdaStreamEvents.LambdaEvent(rest))));
        Assert.True(await world.RowExistsAsync(SparkleTotals.ProjectionName, SparkleTotals.RowFor(LambdaWorld.Guild, 2)));
        Assert.Contains(await world.ViewsAsync(), row => row.Contains("correct horse", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_that_is_not_json_throws_so_lambda_retries_the_whole_batch()
    {
        var world = await LambdaWorld.CreateAsync(dynamo);
        var function = world.Function(out _);

        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() => function.Handle(new MemoryStream("{\"Records\":[{"u8.ToArray())));
        await Assert.ThrowsAsync<FormatException>(() => function.Handle(new MemoryStream("{\"records\":[]}"u8.ToArray())));
    }
}
