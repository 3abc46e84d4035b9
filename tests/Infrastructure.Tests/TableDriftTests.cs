using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CsCheck;
using EventBot.EventStore.DynamoDb;

namespace EventBot.Infrastructure.Tests;

public sealed class TableDriftTests
{
    const string Prefix = "t-";

    /// <summary>What DynamoDB describes for a table created exactly from <paramref name="request"/>.</summary>
    internal static TableDescription Describe(CreateTableRequest request) => new()
    {
        TableName = request.TableName,
        TableStatus = TableStatus.ACTIVE,
        KeySchema = [.. request.KeySchema.Select(k => new KeySchemaElement(k.AttributeName, k.KeyType))],
        AttributeDefinitions = [.. request.AttributeDefinitions.Select(a => new AttributeDefinition(a.AttributeName, a.AttributeType))],
        GlobalSecondaryIndexes = request.GlobalSecondaryIndexes?.Select(i => new GlobalSecondaryIndexDescription
        {
            IndexName = i.IndexName,
            IndexStatus = IndexStatus.ACTIVE,
            KeySchema = [.. i.KeySchema.Select(k => new KeySchemaElement(k.AttributeName, k.KeyType))],
            Projection = new Projection { ProjectionType = i.Projection.ProjectionType, NonKeyAttributes = i.Projection.NonKeyAttributes },
        }).ToList(),
        StreamSpecification = request.StreamSpecification is { StreamEnabled: true } s
            ? new StreamSpecification { StreamEnabled = true, StreamViewType = s.StreamViewType }
            : null,
        BillingModeSummary = new BillingModeSummary { BillingMode = request.BillingMode },
        ProvisionedThroughput = new ProvisionedThroughputDescription { ReadCapacityUnits = 0, WriteCapacityUnits = 0 },
    };

    static IReadOnlyList<string> DriftOfEvents(Action<TableDescription> change)
    {
        var actual = Describe(EventBotTables.Events(Prefix));
        change(actual);
        return TableDrift.Compare(EventBotTables.Events(Prefix), actual);
    }

    [Fact]
    public void Tables_described_as_defined_have_no_drift()
    {
        foreach (var table in EventBotTables.All(Prefix))
        {
            Assert.Empty(TableDrift.Compare(table, Describe(table)));
        }
    }

    [Fact]
    public void Order_of_keys_attributes_and_indexes_in_the_description_does_not_matter()
    {
        Gen.Int[0, 1000].Sample(seed =>
        {
            var random = new Random(seed);
            var actual = Describe(EventBotTables.Events(Prefix));
            actual.KeySchema = [.. actual.KeySchema.OrderBy(_ => random.Next())];
            actual.AttributeDefinitions = [.. actual.AttributeDefinitions.OrderBy(_ => random.Next())];
            actual.GlobalSecondaryIndexes[0].KeySchema = [.. actual.GlobalSecondaryIndexes[0].KeySchema.OrderBy(_ => random.Next())];
            return TableDrift.Compare(EventBotTables.Events(Prefix), actual).Count == 0;
        });
    }

    [Fact]
    public void A_different_key_schema_is_drift()
    {
        var drift = DriftOfEvents(t => t.KeySchema = [new(EventBotTables.StreamId, KeyType.HASH)]);

        Assert.Equal(["key schema: expected stream_id HASH, version RANGE, found stream_id HASH"], drift);
    }

    [Fact]
    public void Swapped_key_roles_are_drift()
    {
        var drift = DriftOfEvents(t => t.KeySchema = [new(EventBotTables.Version, KeyType.HASH), new(EventBotTables.StreamId, KeyType.RANGE)]);

        Assert.Equal(["key schema: expected stream_id HASH, version RANGE, found version HASH, stream_id RANGE"], drift);
    }

    [Fact]
    public void Attribute_type_changes_missing_and_extra_attributes_are_each_drift()
    {
        var drift = DriftOfEvents(t => t.AttributeDefinitions =
        [
            new(EventBotTables.StreamId, ScalarAttributeType.S),
            new(EventBotTables.Version, ScalarAttributeType.S),
            new(EventBotTables.GuildCategory, ScalarAttributeType.S),
            new("extra", ScalarAttributeType.B),
        ]);

        Assert.Equal(
        [
            "attribute recorded_at: expected type S, missing",
            "attribute version: expected type N, found S",
            "attribute extra: not expected, found type B",
        ], drift);
    }

    [Fact]
    public void A_missing_index_is_drift_and_says_what_was_expected()
    {
        var drift = DriftOfEvents(t => t.GlobalSecondaryIndexes = null);

        Assert.Equal(["global secondary index by_guild: missing (expected key guild_category HASH, recorded_at RANGE, projection ALL)"], drift);
    }

    [Fact]
    public void Index_key_and_projection_differences_are_drift()
    {
        var drift = DriftOfEvents(t =>
        {
            var index = t.GlobalSecondaryIndexes[0];
            index.KeySchema = [new(EventBotTables.GuildCategory, KeyType.HASH)];
            index.Projection = new Projection { ProjectionType = ProjectionType.INCLUDE, NonKeyAttributes = ["type", "data"] };
        });

        Assert.Equal(
        [
            "global secondary index by_guild: key schema expected guild_category HASH, recorded_at RANGE, found guild_category HASH",
            "global secondary index by_guild: projection expected ALL, found INCLUDE [data, type]",
        ], drift);
    }

    [Fact]
    public void An_unexpected_index_is_drift()
    {
        var drift = DriftOfEvents(t => t.GlobalSecondaryIndexes.Add(new GlobalSecondaryIndexDescription
        {
            IndexName = "by_actor",
            KeySchema = [new("actor_id", KeyType.HASH)],
            Projection = new Projection { ProjectionType = ProjectionType.KEYS_ONLY },
        }));

        Assert.Equal(["global secondary index by_actor: not expected, found key actor_id HASH"], drift);
    }

    [Fact]
    public void An_unexpected_local_index_is_drift()
    {
        var drift = DriftOfEvents(t => t.LocalSecondaryIndexes =
        [
            new LocalSecondaryIndexDescription
            {
                IndexName = "by_time",
                KeySchema = [new(EventBotTables.StreamId, KeyType.HASH), new(EventBotTables.RecordedAt, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.KEYS_ONLY },
            },
        ]);

        Assert.Equal(["local secondary index by_time: not expected (key stream_id HASH, recorded_at RANGE, projection KEYS_ONLY)"], drift);
    }

    [Fact]
    public void A_disabled_stream_is_drift()
    {
        Assert.Equal(["stream: expected enabled with view type NEW_IMAGE, found disabled"], DriftOfEvents(t => t.StreamSpecification = null));
        Assert.Equal(
            ["stream: expected enabled with view type NEW_IMAGE, found disabled"],
            DriftOfEvents(t => t.StreamSpecification = new StreamSpecification { StreamEnabled = false }));
    }

    [Fact]
    public void Another_stream_view_type_is_drift()
    {
        var drift = DriftOfEvents(t => t.StreamSpecification.StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES);

        Assert.Equal(["stream: expected view type NEW_IMAGE, found NEW_AND_OLD_IMAGES"], drift);
    }

    [Fact]
    public void A_stream_on_a_table_defined_without_one_is_drift()
    {
        var actual = Describe(EventBotTables.Views(Prefix));
        actual.StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.KEYS_ONLY };

        Assert.Equal(["stream: expected disabled, found enabled with view type KEYS_ONLY"], TableDrift.Compare(EventBotTables.Views(Prefix), actual));
    }

    [Fact]
    public void Provisioned_billing_is_drift()
    {
        var drift = DriftOfEvents(t =>
        {
            t.BillingModeSummary = new BillingModeSummary { BillingMode = BillingMode.PROVISIONED };
            t.ProvisionedThroughput = new ProvisionedThroughputDescription { ReadCapacityUnits = 5, WriteCapacityUnits = 5 };
        });

        Assert.Equal(["billing mode: expected PAY_PER_REQUEST, found PROVISIONED"], drift);
    }

    [Theory]
    [InlineData(null, null, true)] // no summary, no throughput
    [InlineData(0L, 0L, true)]     // DynamoDB Local's shape of an on-demand table
    [InlineData(5L, 5L, false)]    // a real provisioned table without a summary
    [InlineData(1L, 0L, false)]
    public void Without_a_billing_summary_zero_throughput_reads_as_on_demand(long? read, long? write, bool onDemand)
    {
        var drift = DriftOfEvents(t =>
        {
            t.BillingModeSummary = null;
            t.ProvisionedThroughput = read is null ? null : new ProvisionedThroughputDescription { ReadCapacityUnits = read, WriteCapacityUnits = write };
        });

        Assert.Equal(onDemand ? [] : ["billing mode: expected PAY_PER_REQUEST, found PROVISIONED"], drift);
    }

    [Fact]
    public void Provisioned_capacity_is_compared_when_the_definition_is_provisioned()
    {
        var expected = EventBotTables.Views(Prefix);
        expected.BillingMode = BillingMode.PROVISIONED;
        expected.ProvisionedThroughput = new ProvisionedThroughput(5, 5);
        var actual = Describe(expected);
        actual.ProvisionedThroughput = new ProvisionedThroughputDescription { ReadCapacityUnits = 5, WriteCapacityUnits = 1 };

        Assert.Equal(["provisioned throughput: expected 5 read / 5 write, found 5 / 1"], TableDrift.Compare(expected, actual));
    }

    [Fact]
    public void The_views_table_described_as_events_lists_every_difference()
    {
        var drift = TableDrift.Compare(EventBotTables.Events(Prefix), Describe(EventBotTables.Views(Prefix)));

        Assert.Equal(
        [
            "key schema: expected stream_id HASH, version RANGE, found pk HASH, sk RANGE",
            "attribute guild_category: expected type S, missing",
            "attribute recorded_at: expected type S, missing",
            "attribute stream_id: expected type S, missing",
            "attribute version: expected type N, missing",
            "attribute pk: not expected, found type S",
            "attribute sk: not expected, found type S",
            "global secondary index by_guild: missing (expected key guild_category HASH, recorded_at RANGE, projection ALL)",
            "stream: expected enabled with view type NEW_IMAGE, found disabled",
        ], drift);
    }
}
