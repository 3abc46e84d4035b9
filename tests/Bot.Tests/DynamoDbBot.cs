using EventBot.Testing;

namespace EventBot.Bot.Tests;

/// <summary>
/// Points the bot at DynamoDB Local the way a user would: standard AWS environment variables, read by the SDK's own
/// chain (and by our Streams client), plus EVENTBOT_* settings with a table prefix of its own.
/// </summary>
public static class DynamoDbBot
{
    public static Dictionary<string, string?> Environment(DynamoDbLocalFixture dynamo, string? prefix = null)
    {
        System.Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", dynamo.ServiceUrl.ToString().TrimEnd('/'));
        System.Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "test");
        System.Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "test");
        System.Environment.SetEnvironmentVariable("AWS_REGION", DynamoDbLocalFixture.Region);
        return new Dictionary<string, string?>
        {
            ["EVENTBOT_STORE"] = "dynamodb",
            ["EVENTBOT_CREATE_TABLES"] = "true",
            ["EVENTBOT_TABLE_PREFIX"] = prefix ?? $"t{Guid.NewGuid():N}-",
        };
    }
}
