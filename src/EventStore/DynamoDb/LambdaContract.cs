namespace EventBot.EventStore.DynamoDb;

/// <summary>
/// What the AWS deployment and the Lambda project must agree on, written once. terraform/lambda.tf uses these
/// exact strings and tests/Infrastructure.Tests proves it; the Lambda project references <see cref="Handler"/>.
/// </summary>
public static class LambdaContract
{
    /// <summary>The managed-runtime handler: assembly <c>EventBot.Lambda</c>, type <c>ProjectorFunction</c>, method <c>Handle</c>.</summary>
    public const string Handler = "EventBot.Lambda::EventBot.Lambda.ProjectorFunction::Handle";

    public const string Runtime = "dotnet10";

    public const string Architecture = "arm64";

    /// <summary>Environment variable holding the table prefix (bound to <c>EventBot:TablePrefix</c> like every <c>EVENTBOT_*</c>).</summary>
    public const string TablePrefixVariable = "EVENTBOT_TABLE_PREFIX";
}
