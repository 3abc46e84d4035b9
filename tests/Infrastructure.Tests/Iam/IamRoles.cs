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

    /// <summary>The interactions endpoint Lambda behind the Function URL (<c>InteractionsFunction.Handle</c>).</summary>
    public const string InteractionsFunction = "interactions function";

    /// <summary>The worker Lambda on the deferred-interactions queue (<c>InteractionsWorkerFunction.Handle</c>).</summary>
    public const string InteractionsWorker = "interactions worker";

    /// <summary>Process → the name of its <c>aws_iam_role</c>, <c>aws_iam_role_policy</c> and policy document.</summary>
    public static readonly IReadOnlyDictionary<string, string> RoleOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Bot] = "bot",
        [LambdaProjector] = "projector",
        [ProjectorVerb] = "poller",
        [InteractionsFunction] = "interactions",
        [InteractionsWorker] = "interactions_worker",
    };

    public static IEnumerable<string> Roles => RoleOf.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public static IEnumerable<string> ProcessesOf(string role) => RoleOf.Where(p => p.Value == role).Select(p => p.Key);

    public const string InteractionsQueueArn = "${aws_sqs_queue.interactions.arn}";

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
        new("interactions", "logs:CreateLogStream", "${aws_cloudwatch_log_group.interactions.arn}:*", "the runtime's log stream per container"),
        new("interactions", "logs:PutLogEvents", "${aws_cloudwatch_log_group.interactions.arn}:*", "the function's log lines"),
        // The SQS event source mapping polls the queue and deletes what the worker finished, with the worker's role.
        new("interactions_worker", "sqs:ReceiveMessage", InteractionsQueueArn, "the event source mapping polls the queue"),
        new("interactions_worker", "sqs:DeleteMessage", InteractionsQueueArn, "the mapping deletes the messages the worker finished"),
        new("interactions_worker", "sqs:GetQueueAttributes", InteractionsQueueArn, "the mapping reads the queue's attributes"),
        new("interactions_worker", "logs:CreateLogStream", "${aws_cloudwatch_log_group.interactions_worker.arn}:*", "the runtime's log stream per container"),
        new("interactions_worker", "logs:PutLogEvents", "${aws_cloudwatch_log_group.interactions_worker.arn}:*", "the function's log lines"),
    ];
}

/// <summary>A call AWS makes with <paramref name="Role"/> on its own account; <paramref name="Resource"/> as written in HCL.</summary>
public sealed record ServiceCall(string Role, string Action, string Resource, string Why);
