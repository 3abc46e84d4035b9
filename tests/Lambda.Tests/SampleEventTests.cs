using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using EventBot.Testing;

namespace EventBot.Lambda.Tests;

/// <summary>The DynamoDB Streams samples published with the AWS Lambda .NET libraries: none of them is an EventBot event.</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class SampleEventTests(DynamoDbLocalFixture dynamo)
{
    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "Samples", name);

    public static TheoryData<string, int, int> Events => new()
    {
        // file, REMOVE records, other non-event records
        { "dynamodb-event.json", 1, 1 },
        { "dynamodb-with-ms-event.json", 1, 1 },
        { "dynamodb-update.json", 1, 2 },
    };

    [Fact]
    public void Every_sample_file_is_covered()
    {
        var covered = Events.Select(row => (string)row[0]).Append("dynamodb-batchitemfailures-response.json").Order();

        Assert.Equal(covered, Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Samples"), "*.json").Select(Path.GetFileName).Order());
    }

    [Theory]
    [MemberData(nameof(Events))]
    public async Task Sample_records_are_skipped_and_counted_and_the_answer_is_no_failures(string file, int removes, int foreign)
    {
        // A prefix with no tables: touching DynamoDB at all would fail with ResourceNotFound.
        var composition = ProjectorComposition.Create(dynamo.Client, $"none{Guid.NewGuid():N}-",
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var function = new ProjectorFunction(composition);
        await using var input = File.OpenRead(Sample(file));

        var output = await function.Handle(input);

        Assert.Equal(0, output.Position);
        Assert.Equal("""{"batchItemFailures":[]}""", new StreamReader(output).ReadToEnd());
        Assert.Equal(removes, composition.Counters.SkippedRemoves);
        Assert.Equal(foreign, composition.Counters.SkippedForeign);
        Assert.Equal(0, composition.Counters.Applied);
    }

    [Fact]
    public async Task Each_batch_logs_its_counts_in_one_line_before_the_handler_returns()
    {
        using var log = new StringWriter();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new LambdaLoggerProvider(log)));
        var function = new ProjectorFunction(ProjectorComposition.Create(dynamo.Client, $"none{Guid.NewGuid():N}-", loggers));
        await using var input = File.OpenRead(Sample("dynamodb-update.json"));

        await function.Handle(input);

        Assert.Equal(
            "Information EventBot.Lambda.ProjectorFunction[2401]: Batch of 3 records: 0 events through the projector core, " +
            "1 REMOVE and 2 non-event records skipped; first failed: none" + Environment.NewLine,
            log.ToString());
    }

    [Fact]
    public void The_failure_answer_has_the_shape_of_the_published_response_sample()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Sample("dynamodb-batchitemfailures-response.json")))!;
        var sequenceNumber = sample["batchItemFailures"]![0]!["itemIdentifier"]!.GetValue<string>();

        var ours = JsonNode.Parse(ProjectorFunction.Response(sequenceNumber))!;

        Assert.True(JsonNode.DeepEquals(sample, ours), ours.ToJsonString());
    }
}
