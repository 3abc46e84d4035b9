using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.Testing;

namespace EventBot.Projections.Tests.Infrastructure;

[Collection(DynamoDbLocalFixture.Collection)]
public sealed class DynamoDbLocalFixtureTests(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public async Task Fixture_CreatesAndListsATable()
    {
        var table = DynamoDbLocalFixture.UniqueTableName();
        await dynamo.Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });

        // A second client with other credentials sees the same table only because of -sharedDb. Every page: the shared
        // DynamoDB Local holds every test's tables, often more than the 100 one ListTables page returns.
        using var other = dynamo.CreateClient();
        var names = new List<string>();
        string? start = null;
        do
        {
            var page = await other.ListTablesAsync(new ListTablesRequest { Limit = 100, ExclusiveStartTableName = start });
            names.AddRange(page.TableNames);
            start = page.LastEvaluatedTableName;
        }
        while (start is not null);

        Assert.Contains(table, names);
    }

    [Fact]
    public void UniqueTableName_IsUniqueAndValid()
    {
        var a = DynamoDbLocalFixture.UniqueTableName("events");
        var b = DynamoDbLocalFixture.UniqueTableName("events");

        Assert.NotEqual(a, b);
        Assert.Matches("^[a-zA-Z0-9_.-]{3,255}$", a);
    }
}
