using System.Text;
using EventBot.Testing;

namespace EventBot.Infrastructure.Tests.Iam;

/// <summary>How requests become IAM authorizations, for the shapes our sessions do not all send today.</summary>
public sealed class IamRecorderTests
{
    readonly IamRecorder _recorder = new(table => table switch { "e" => "stream_id", "v" => "pk", _ => null });

    static readonly ProxiedResponse Ok = new(200, "{}"u8.ToArray(), []);

    void Send(string target, string body, string response = "{}") =>
        _recorder.Record(new ProxiedRequest(target, Encoding.UTF8.GetBytes(body)), Ok with { Body = Encoding.UTF8.GetBytes(response) });

    [Fact]
    public void A_transaction_is_authorized_item_by_item_with_each_items_table_and_partition_key()
    {
        Send("DynamoDB_20120810.TransactWriteItems", """
            {"TransactItems":[
              {"ConditionCheck":{"TableName":"e","Key":{"stream_id":{"S":"s1"},"version":{"N":"1"}},"ConditionExpression":"x"}},
              {"Put":{"TableName":"e","Item":{"stream_id":{"S":"s1"},"version":{"N":"2"}}}},
              {"Update":{"TableName":"v","Key":{"pk":{"S":"p"},"sk":{"S":"s"}},"UpdateExpression":"SET a = :a"}},
              {"Delete":{"TableName":"v","Key":{"pk":{"S":"deadletters"},"sk":{"S":"x"}}}}]}
            """);
        Send("DynamoDB_20120810.TransactGetItems", """{"TransactItems":[{"Get":{"TableName":"v","Key":{"pk":{"S":"q"},"sk":{"S":"s"}}}}]}""");

        Assert.Equal(
        [
            new IamCall("dynamodb:ConditionCheckItem", "table/e", "s1"),
            new IamCall("dynamodb:PutItem", "table/e", "s1"),
            new IamCall("dynamodb:UpdateItem", "table/v", "p"),
            new IamCall("dynamodb:DeleteItem", "table/v", "deadletters"),
            new IamCall("dynamodb:GetItem", "table/v", "q"),
        ], _recorder.Calls);
    }

    [Fact]
    public void Batches_are_authorized_per_table_and_index_reads_on_the_index()
    {
        Send("DynamoDB_20120810.BatchWriteItem", """{"RequestItems":{"e":[{"PutRequest":{"Item":{}}}],"v":[{"DeleteRequest":{"Key":{}}}]}}""");
        Send("DynamoDB_20120810.BatchGetItem", """{"RequestItems":{"v":{"Keys":[]}}}""");
        Send("DynamoDB_20120810.Query", """{"TableName":"e","IndexName":"by_guild"}""");
        Send("DynamoDB_20120810.Scan", """{"TableName":"v"}""");
        Send("DynamoDB_20120810.DescribeTable", """{"TableName":"e"}""");
        Send("DynamoDB_20120810.ListTables", "{}");

        Assert.Equal(
        [
            new IamCall("dynamodb:BatchWriteItem", "table/e"),
            new IamCall("dynamodb:BatchWriteItem", "table/v"),
            new IamCall("dynamodb:BatchGetItem", "table/v"),
            new IamCall("dynamodb:Query", "table/e/index/by_guild"),
            new IamCall("dynamodb:Scan", "table/v"),
            new IamCall("dynamodb:DescribeTable", "table/e"),
            new IamCall("dynamodb:ListTables", "*"),
        ], _recorder.Calls);
    }

    [Fact]
    public void Streams_calls_are_on_the_stream_and_GetRecords_follows_its_iterators_back_to_it()
    {
        const string arn = "arn:aws:dynamodb:ddblocal:000000000000:table/e/stream/2026-12-06T05:00:00.000";
        Send("DynamoDBStreams_20120810.ListStreams", """{"TableName":"e"}""");
        Send("DynamoDBStreams_20120810.DescribeStream", $$"""{"StreamArn":"{{arn}}"}""");
        Send("DynamoDBStreams_20120810.GetShardIterator", $$"""{"StreamArn":"{{arn}}","ShardId":"s"}""", """{"ShardIterator":"it-1"}""");
        Send("DynamoDBStreams_20120810.GetRecords", """{"ShardIterator":"it-1"}""", """{"Records":[],"NextShardIterator":"it-2"}""");
        Send("DynamoDBStreams_20120810.GetRecords", """{"ShardIterator":"it-2"}""");
        Send("DynamoDBStreams_20120810.GetRecords", """{"ShardIterator":"it-from-elsewhere"}""");

        Assert.Equal(
        [
            new IamCall("dynamodb:ListStreams", "*"),
            new IamCall("dynamodb:DescribeStream", "table/e/stream"),
            new IamCall("dynamodb:GetShardIterator", "table/e/stream"),
            new IamCall("dynamodb:GetRecords", "table/e/stream"),
            new IamCall("dynamodb:GetRecords", "table/e/stream"),
            new IamCall("dynamodb:GetRecords", "stream-of-an-unknown-iterator"),
        ], _recorder.Calls);
    }

    [Theory]
    [InlineData("${aws_dynamodb_table.views.arn}", "${aws_dynamodb_table.views.arn}", true)]
    [InlineData("*", "${aws_dynamodb_table.views.arn}", true)]
    [InlineData("${aws_dynamodb_table.events.arn}/index/*", "${aws_dynamodb_table.events.arn}/index/by_guild", true)]
    [InlineData("${aws_dynamodb_table.events.arn}", "${aws_dynamodb_table.events.arn}/index/by_guild", false)]
    [InlineData("${aws_dynamodb_table.events.arn}", "${aws_dynamodb_table.events.stream_arn}", false)]
    public void Resources_match_as_IAM_matches_them(string granted, string used, bool matches) =>
        Assert.Equal(matches, IamPolicy.Matches(granted, used));

    [Fact]
    public void A_leading_keys_condition_allows_only_its_partitions()
    {
        var statement = new IamStatement("S", ["dynamodb:DeleteItem"], ["${aws_dynamodb_table.views.arn}"], ["deadletters"]);

        Assert.True(statement.Allows("dynamodb:DeleteItem", "${aws_dynamodb_table.views.arn}", "deadletters"));
        Assert.False(statement.Allows("dynamodb:DeleteItem", "${aws_dynamodb_table.views.arn}", "remember-values#1#42"));
        Assert.False(statement.Allows("dynamodb:DeleteItem", "${aws_dynamodb_table.views.arn}", null));
        Assert.False(statement.Allows("dynamodb:PutItem", "${aws_dynamodb_table.views.arn}", "deadletters"));
    }
}
