using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.DynamoDb;
using EventBot.Testing;

namespace EventBot.Bot.Tests.Adapters.Console;

/// <summary>The foundation session, on DynamoDB Local with the in-process Streams poller: same replies as SQLite.</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbConsoleSessionTests(DynamoDbLocalFixture dynamo) : IDisposable
{
    private const string Session = """
        .remember meeting is tomorrow
        .remember meeting
        .remember Meeting is friday
        .remember MEETING
        .remember history meeting
        .forget meeting
        .remember meeting
        .remember search
        """;

    private readonly BotRunner _sqlite = new();
    private readonly BotRunner _dynamo = new();

    [Fact]
    public async Task The_same_session_gives_the_same_replies_on_both_stores_and_one_item_per_event()
    {
        var prefix = $"t{Guid.NewGuid():N}-";
        var expected = await _sqlite.RunAsync(Session);

        var actual = await _dynamo.RunAsync(Session, extra: DynamoDbBot.Environment(dynamo, prefix));

        // The two sessions run one after the other, in real time: a minute may turn between them.
        Assert.Equal(WithoutMinutes(expected), WithoutMinutes(actual));
        var items = (await dynamo.Client.ScanAsync(new ScanRequest { TableName = EventBotTables.EventsTableName(prefix), ConsistentRead = true })).Items;
        Assert.Equal(3, items.Count(EventItem.IsEvent));
        Assert.True((await dynamo.Client.DescribeTableAsync(EventBotTables.EventsTableName(prefix))).Table.StreamSpecification.StreamEnabled);
    }

    private static string WithoutMinutes(string replies) =>
        System.Text.RegularExpressions.Regex.Replace(replies, @"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "<time> UTC");

    [Fact]
    public async Task A_restart_recalls_from_the_views_table()
    {
        var environment = DynamoDbBot.Environment(dynamo);
        await _dynamo.RunAsync(".remember wifi is hunter2\n", extra: environment);

        var output = await _dynamo.RunAsync(".remember wifi\n", extra: environment);

        Assert.Equal("`wifi` is hunter2\n", output);
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        _dynamo.Dispose();
    }
}
