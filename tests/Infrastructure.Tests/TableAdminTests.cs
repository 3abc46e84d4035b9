using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.DynamoDb;
using EventBot.Testing;

namespace EventBot.Infrastructure.Tests;

[Collection(DynamoDbLocalFixture.Collection)]
public sealed class TableAdminTests(DynamoDbLocalFixture dynamo)
{
    static string NewPrefix() => $"admin-{Guid.NewGuid():N}-";

    [Fact]
    public async Task Create_makes_both_tables_and_a_second_create_finds_them()
    {
        var prefix = NewPrefix();

        var first = await EventBotTableAdmin.CreateAsync(dynamo.Client, prefix, CancellationToken.None);
        var second = await EventBotTableAdmin.CreateAsync(dynamo.Client, prefix, CancellationToken.None);

        Assert.True(first.IsOk, first.ToString());
        Assert.All(first.Tables, t => Assert.True(t.Created, t.ToString()));
        Assert.Equal([EventBotTables.EventsTableName(prefix), EventBotTables.KeysTableName(prefix), EventBotTables.ViewsTableName(prefix)], first.Tables.Select(t => t.TableName));
        Assert.True(second.IsOk, second.ToString());
        Assert.All(second.Tables, t => Assert.False(t.Created, t.ToString()));
    }

    [Fact]
    public async Task Verify_after_create_is_clean()
    {
        var prefix = NewPrefix();
        await EventBotTableAdmin.CreateAsync(dynamo.Client, prefix, CancellationToken.None);

        var report = await EventBotTableAdmin.VerifyAsync(dynamo.Client, prefix, CancellationToken.None);

        Assert.True(report.IsOk, report.ToString());
        Assert.All(report.Tables, t => Assert.Empty(t.Drift));
        Assert.Equal($"{prefix}events: ok\n{prefix}keys: ok\n{prefix}views: ok", report.ToString());
    }

    [Fact]
    public async Task Verify_reports_missing_tables_and_creates_nothing()
    {
        var prefix = NewPrefix();

        var report = await EventBotTableAdmin.VerifyAsync(dynamo.Client, prefix, CancellationToken.None);

        Assert.False(report.IsOk);
        Assert.All(report.Tables, t => Assert.Equal(TableState.Missing, t.State));
        var again = await EventBotTableAdmin.VerifyAsync(dynamo.Client, prefix, CancellationToken.None);
        Assert.All(again.Tables, t => Assert.Equal(TableState.Missing, t.State));
    }

    [Fact]
    public async Task Verify_reports_drift_for_an_events_table_created_differently()
    {
        var prefix = NewPrefix();
        await CreateWrongEventsTableAsync(prefix);

        var report = await EventBotTableAdmin.VerifyAsync(dynamo.Client, prefix, CancellationToken.None);

        var events = report[EventBotTables.EventsTableName(prefix)];
        Assert.Equal(TableState.Drifted, events.State);
        Assert.Equal(
        [
            "attribute recorded_at: expected type S, missing",
            "attribute version: expected type N, found S",
            "global secondary index by_guild: key schema expected guild_category HASH, recorded_at RANGE, found guild_category HASH",
            "global secondary index by_guild: projection expected ALL, found KEYS_ONLY",
            "stream: expected enabled with view type NEW_IMAGE, found disabled",
        ], events.Drift);
        Assert.Equal(TableState.Missing, report[EventBotTables.ViewsTableName(prefix)].State);
    }

    [Fact]
    public async Task Create_leaves_a_drifted_table_alone_and_reports_it()
    {
        var prefix = NewPrefix();
        await CreateWrongEventsTableAsync(prefix);

        var report = await EventBotTableAdmin.CreateAsync(dynamo.Client, prefix, CancellationToken.None);

        var events = report[EventBotTables.EventsTableName(prefix)];
        Assert.Equal(TableState.Drifted, events.State);
        Assert.False(events.Created);
        Assert.Contains("stream: expected enabled with view type NEW_IMAGE, found disabled", events.Drift);
        var views = report[EventBotTables.ViewsTableName(prefix)];
        Assert.True(views.Created);
        Assert.Equal(TableState.Ok, views.State);
        Assert.False(report.IsOk);
    }

    /// <summary>The events table name, but version as S, no stream, and a one-key KEYS_ONLY index.</summary>
    async Task CreateWrongEventsTableAsync(string prefix)
    {
        await dynamo.Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = EventBotTables.EventsTableName(prefix),
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new(EventBotTables.StreamId, KeyType.HASH), new(EventBotTables.Version, KeyType.RANGE)],
            AttributeDefinitions =
            [
                new(EventBotTables.StreamId, ScalarAttributeType.S),
                new(EventBotTables.Version, ScalarAttributeType.S),
                new(EventBotTables.GuildCategory, ScalarAttributeType.S),
            ],
            GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = EventBotTables.GuildIndex,
                    KeySchema = [new(EventBotTables.GuildCategory, KeyType.HASH)],
                    Projection = new Projection { ProjectionType = ProjectionType.KEYS_ONLY },
                },
            ],
        });
    }
}
