namespace EventBot.Infrastructure.Tests.Iam;

/// <summary>
/// Which Terraform role each recorded process runs as, and the calls AWS itself makes with a role (which no
/// recording of our code can see). A new process (an interactions function, say) is one more session in
/// <see cref="IamSessions"/> and one more line in <see cref="RoleOf"/>.
/// </summary>
public static class IamRoles
{
    /// <summary>The bot with <c>EVENTBOT_PROJECTOR=off</c> (chat, commands, read-your-writes).</summary>
    public const string Bot = "bot";

    /// <summary>The projector Lambda (<c>ProjectorFunction.Handle</c>).</summary>
    public const string LambdaProjector = "lambda projector";

    /// <summary>The <c>projector</c> verb: the Streams poller, self-hosted next to a bot with the projector off.</summary>
    public const string ProjectorVerb = "projector verb";

    /// <summary>Process → the name of its <c>aws_iam_role</c>, <c>aws_iam_role_policy</c> and policy document.</summary>
    public static readonly IReadOnlyDictionary<string, string> RoleOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Bot] = "bot",
        [LambdaProjector] = "projector",
        [ProjectorVerb] = "poller",
    };

    public static IEnumerable<string> Roles => RoleOf.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public static IEnumerable<string> ProcessesOf(string role) => RoleOf.Where(p => p.Value == role).Select(p => p.Key);

    public const string EventsStreamArn = "${aws_dynamodb_table.events.stream_arn}";

    /// <summary>
    /// Calls made with a role by AWS, not by our code, in Terraform's terms. Lambda's event source mapping polls the
    /// stream with the function's role (the four Streams actions of AWSLambdaDynamoDBExecutionRole), sends what it
    /// gives up on to the on-failure destination with it, and the runtime writes the function's log with it.
    /// </summary>
    public static readonly IReadOnlyList<ServiceCall> ServiceCalls =
    [
        new("projector", "dynamodb:DescribeStream", EventsStreamArn, "the event source mapping lists the stream's shards"),
        new("projector", "dynamodb:GetShardIterator", EventsStreamArn, "the event source mapping reads the shards"),
        new("projector", "dynamodb:GetRecords", EventsStreamArn, "the event source mapping reads the records"),
        // IAM has no resource type for ListStreams: it is granted on "*" or not at all.
        new("projector", "dynamodb:ListStreams", "*", "the event source mapping finds the stream"),
        new("projector", "sqs:SendMessage", "${aws_sqs_queue.projector_dlq.arn}", "the mapping's on-failure destination"),
        new("projector", "logs:CreateLogStream", "${aws_cloudwatch_log_group.projector.arn}:*", "the runtime's log stream per container"),
        new("projector", "logs:PutLogEvents", "${aws_cloudwatch_log_group.projector.arn}:*", "the function's log lines"),
    ];
}

/// <summary>A call AWS makes with <paramref name="Role"/> on its own account; <paramref name="Resource"/> as written in HCL.</summary>
public sealed record ServiceCall(string Role, string Action, string Resource, string Why);
