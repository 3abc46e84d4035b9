using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.EventStore.DynamoDb;

namespace EventBot.Infrastructure.Tests;

/// <summary>terraform/ agrees with the code (tables, handler) and keeps the settings the projector's correctness needs.</summary>
public sealed class TerraformTests(Terraform tf) : IClassFixture<Terraform>
{
    const string Prefix = "${var.prefix}";
    const string EventsArn = "${aws_dynamodb_table.events.arn}";
    const string StreamArn = "${aws_dynamodb_table.events.stream_arn}";
    const string ViewsArn = "${aws_dynamodb_table.views.arn}";
    const string DlqArn = "${aws_sqs_queue.projector_dlq.arn}";

    JsonElement Events => tf.Resource("aws_dynamodb_table", "events");

    JsonElement Views => tf.Resource("aws_dynamodb_table", "views");

    JsonElement Function => tf.Resource("aws_lambda_function", "projector");

    JsonElement Mapping => tf.Resource("aws_lambda_event_source_mapping", "projector");

    /// <summary>What DynamoDB would describe for the table this HCL creates (Terraform's own defaults applied).</summary>
    static TableDescription Describe(JsonElement table)
    {
        List<KeySchemaElement> Keys(JsonElement block) =>
            block.StrOrNull("range_key") is { } range
                ? [new(block.Str("hash_key"), KeyType.HASH), new(range, KeyType.RANGE)]
                : [new(block.Str("hash_key"), KeyType.HASH)];

        var billing = table.StrOrNull("billing_mode") ?? BillingMode.PROVISIONED.Value;
        var streamEnabled = table.TryGetProperty("stream_enabled", out var s) && s.GetBoolean();
        return new TableDescription
        {
            KeySchema = Keys(table),
            AttributeDefinitions = [.. table.Blocks("attribute").Select(a => new AttributeDefinition(a.Str("name"), a.Str("type")))],
            GlobalSecondaryIndexes = [.. table.Blocks("global_secondary_index").Select(i => new GlobalSecondaryIndexDescription
            {
                IndexName = i.Str("name"),
                KeySchema = Keys(i),
                Projection = new Projection
                {
                    ProjectionType = i.Str("projection_type"),
                    NonKeyAttributes = i.TryGetProperty("non_key_attributes", out _) ? [.. i.Strings("non_key_attributes")] : null,
                },
            })],
            LocalSecondaryIndexes = table.Blocks("local_secondary_index").Count == 0 ? null
                : [.. table.Blocks("local_secondary_index").Select(i => new LocalSecondaryIndexDescription { IndexName = i.Str("name") })],
            StreamSpecification = streamEnabled
                ? new StreamSpecification { StreamEnabled = true, StreamViewType = table.Str("stream_view_type") }
                : null,
            BillingModeSummary = new BillingModeSummary { BillingMode = billing },
        };
    }

    [Fact]
    public void The_events_table_is_EventBotTables_Events()
    {
        Assert.Equal(Prefix + EventBotTables.EventsSuffix, Events.Str("name"));
        Assert.Empty(TableDrift.Compare(EventBotTables.Events(Prefix), Describe(Events)));
    }

    [Fact]
    public void The_views_table_is_EventBotTables_Views()
    {
        Assert.Equal(Prefix + EventBotTables.ViewsSuffix, Views.Str("name"));
        Assert.Empty(TableDrift.Compare(EventBotTables.Views(Prefix), Describe(Views)));
    }

    [Fact]
    public void The_events_stream_carries_new_images()
    {
        Assert.True(Events.Bool("stream_enabled"));
        Assert.Equal("NEW_IMAGE", Events.Str("stream_view_type"));
    }

    [Fact]
    public void Both_tables_are_on_demand_recoverable_and_protected_from_deletion()
    {
        foreach (var table in new[] { Events, Views })
        {
            Assert.Equal("PAY_PER_REQUEST", table.Str("billing_mode"));
            Assert.True(table.Block("point_in_time_recovery").Bool("enabled"), $"PITR off: {table}");
            Assert.True(table.Bool("deletion_protection_enabled"), $"deletion protection off: {table}");
        }
    }

    [Fact]
    public void The_function_runs_the_contract_handler_on_dotnet10_arm64()
    {
        Assert.Equal(LambdaContract.Runtime, Function.Str("runtime"));
        Assert.Equal([LambdaContract.Architecture], Function.Strings("architectures"));
        Assert.Equal(LambdaContract.Handler, Function.Str("handler"));
        Assert.Equal("${aws_iam_role.projector.arn}", Function.Str("role"));
        Assert.Equal("${var.lambda_memory_mb}", Function.Str("memory_size"));
        Assert.Equal("${var.lambda_timeout_seconds}", Function.Str("timeout"));
        Assert.Equal("${var.lambda_zip_path}", Function.Str("filename"));
        var variables = Function.Block("environment").GetProperty("variables");
        Assert.Equal(Prefix, variables.Str(LambdaContract.TablePrefixVariable));
        Assert.Equal("${aws_cloudwatch_log_group.projector.name}", Function.Block("logging_config").Str("log_group"));
    }

    [Fact]
    public void The_function_logs_to_its_own_group_with_bounded_retention()
    {
        var group = tf.Resource("aws_cloudwatch_log_group", "projector");

        Assert.Equal("/aws/lambda/${local.projector_function_name}", group.Str("name"));
        Assert.Equal("${local.projector_function_name}", Function.Str("function_name"));
        Assert.Equal("${var.log_retention_days}", group.Str("retention_in_days"));
    }

    [Fact]
    public void The_mapping_reads_the_events_stream_with_partial_batch_failures_and_a_dlq()
    {
        Assert.Equal(StreamArn, Mapping.Str("event_source_arn"));
        Assert.Equal("${aws_lambda_function.projector.arn}", Mapping.Str("function_name"));
        Assert.Equal("TRIM_HORIZON", Mapping.Str("starting_position"));
        Assert.Equal("${var.batch_size}", Mapping.Str("batch_size"));
        Assert.Equal("${var.batching_window_seconds}", Mapping.Str("maximum_batching_window_in_seconds"));
        Assert.True(Mapping.Bool("bisect_batch_on_function_error"));
        Assert.Equal(["ReportBatchItemFailures"], Mapping.Strings("function_response_types"));
        Assert.Equal("${var.maximum_retry_attempts}", Mapping.Str("maximum_retry_attempts"));
        Assert.Equal("${var.maximum_record_age_seconds}", Mapping.Str("maximum_record_age_in_seconds"));
        Assert.Equal(DlqArn, Mapping.Block("destination_config").Block("on_failure").Str("destination_arn"));
        tf.Resource("aws_sqs_queue", "projector_dlq");
    }

    [Theory]
    [InlineData("maximum_retry_attempts", ">= 0", "<= 10000")]
    [InlineData("maximum_record_age_seconds", ">= 60", "<= 604800")]
    [InlineData("batch_size", ">= 1", "<= 10000")]
    [InlineData("batching_window_seconds", ">= 0", "<= 300")]
    public void Mapping_variables_are_bounded_so_a_poison_record_cannot_block_a_shard_forever(string name, string lower, string upper)
    {
        var variable = tf.Variable(name);
        var condition = variable.Block("validation").Str("condition");

        // -1 means "forever" to the mapping; the lower bound must exclude it.
        Assert.Contains($"var.{name} {lower}", condition);
        Assert.Contains($"var.{name} {upper}", condition);
        Assert.True(variable.GetProperty("default").GetInt32() >= int.Parse(lower[3..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_variables_the_docs_promise_exist_with_descriptions()
    {
        string[] expected =
        [
            "prefix", "region", "lambda_zip_path", "lambda_memory_mb", "lambda_timeout_seconds", "batch_size",
            "batching_window_seconds", "maximum_retry_attempts", "maximum_record_age_seconds", "log_retention_days",
            "iterator_age_alarm_threshold_ms", "dlq_alarm_threshold", "alarm_actions",
        ];
        foreach (var name in expected)
        {
            Assert.False(string.IsNullOrWhiteSpace(tf.Variable(name).Str("description")), name);
        }
        Assert.Equal(EventBotTables.DefaultPrefix, tf.Variable("prefix").Str("default"));
    }

    static readonly HashSet<string> DynamoReads = new(StringComparer.Ordinal)
    {
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:DescribeTable",
        "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",
        // A ConditionCheck inside a transaction reads the item; it writes nothing.
        "dynamodb:ConditionCheckItem",
    };

    static IEnumerable<(string Action, string Resource)> WritesTo(IEnumerable<(string Action, string Resource)> grants, string tableArn) =>
        grants.Where(g => g.Action.StartsWith("dynamodb:", StringComparison.Ordinal) && !DynamoReads.Contains(g.Action)
                          && (g.Resource == "*" || g.Resource.StartsWith(tableArn, StringComparison.Ordinal)));

    // What each role may do is derived from recorded calls in Iam/IamTests.cs; these hold the invariants that no
    // recording should ever talk us out of.

    [Theory]
    [InlineData("projector")]
    [InlineData("poller")]
    public void A_projector_cannot_write_events(string role)
    {
        Assert.Empty(WritesTo(Iam.IamPolicy.Of(tf, role).Grants, EventsArn));
        Assert.Empty(WritesTo(Iam.IamPolicy.Of(tf, role).Grants, StreamArn));
    }

    [Fact]
    public void The_bot_cannot_write_views()
    {
        Assert.Empty(WritesTo(Iam.IamPolicy.Of(tf, "bot").Grants, ViewsArn));
    }

    [Theory]
    [InlineData("projector")]
    [InlineData("poller")]
    public void A_projector_deletes_only_dead_letters_and_rows_keyed_by_user(string role)
    {
        // Dead letters, and the rows of the projections keyed by a user id, which an erasure's re-projection deletes
        // (docs/privacy.md); never the views table at large (remember-values, generation pointers, checkpoints).
        var deletes = Iam.IamPolicy.Of(tf, role).Statements.Where(s => s.Actions.Contains("dynamodb:DeleteItem")).ToList();
        Assert.All(deletes, s => Assert.True(
            (!s.LeadingKeysLike && s.LeadingKeys!.SequenceEqual([EventBot.Projections.Core.DeadLetterStore.Partition]))
            || (s.LeadingKeysLike && s.LeadingKeys!.SequenceEqual(EventBot.Projections.Privacy.ErasureReprojection.RowsKeyedByUser.Select(p => p + "#*"))),
            s.Sid));
        Assert.DoesNotContain(deletes, s => s.LeadingKeys is null);
    }

    [Fact]
    public void Roles_are_assumable_only_by_their_service()
    {
        var projector = tf.Data("aws_iam_policy_document", "projector_assume").Block("statement");
        Assert.Equal(["sts:AssumeRole"], projector.Strings("actions"));
        Assert.Equal(["lambda.amazonaws.com"], projector.Block("principals").Strings("identifiers"));
        Assert.Equal("${data.aws_iam_policy_document.projector_assume.json}", tf.Resource("aws_iam_role", "projector").Str("assume_role_policy"));

        foreach (var role in new[] { "bot", "poller" })
        {
            var statement = tf.Data("aws_iam_policy_document", role + "_assume").Block("statement");
            Assert.Equal(["sts:AssumeRole"], statement.Strings("actions"));
            Assert.Equal("${var.bot_trusted_services}", statement.Block("principals").Str("identifiers"));
            Assert.Equal("${data.aws_caller_identity.current.account_id}", statement.Block("condition").Strings("values").Single());
            Assert.Equal($"${{data.aws_iam_policy_document.{role}_assume.json}}", tf.Resource("aws_iam_role", role).Str("assume_role_policy"));
        }
    }

    [Fact]
    public void Lag_and_dead_letters_raise_alarms()
    {
        var lag = tf.Resource("aws_cloudwatch_metric_alarm", "projector_iterator_age");
        Assert.Equal("AWS/Lambda", lag.Str("namespace"));
        Assert.Equal("IteratorAge", lag.Str("metric_name"));
        Assert.Equal("${aws_lambda_function.projector.function_name}", lag.GetProperty("dimensions").Str("FunctionName"));
        Assert.Equal("${var.iterator_age_alarm_threshold_ms}", lag.Str("threshold"));
        Assert.Equal("GreaterThanThreshold", lag.Str("comparison_operator"));

        var dlq = tf.Resource("aws_cloudwatch_metric_alarm", "projector_dlq_messages");
        Assert.Equal("AWS/SQS", dlq.Str("namespace"));
        Assert.Equal("ApproximateNumberOfMessagesVisible", dlq.Str("metric_name"));
        Assert.Equal("${aws_sqs_queue.projector_dlq.name}", dlq.GetProperty("dimensions").Str("QueueName"));
        Assert.Equal("${var.dlq_alarm_threshold}", dlq.Str("threshold"));
        Assert.Equal("GreaterThanThreshold", dlq.Str("comparison_operator"));
    }

    [Fact]
    public void The_dashboard_shows_command_rate_append_latency_lag_iterator_age_dead_letters_and_dlq_depth()
    {
        var dashboard = tf.Resource("aws_cloudwatch_dashboard", "eventbot");
        var body = dashboard.Str("dashboard_body");

        Assert.Equal("${var.prefix}operations", dashboard.Str("dashboard_name"));
        Assert.StartsWith("${jsonencode(", body);
        // The names the code publishes: the bot's OpenTelemetry meters and the Lambda's EMF line (EmbeddedMetrics).
        foreach (var metric in new[] { "eventbot.command.duration", "eventbot.append.duration", EventBot.Lambda.EmbeddedMetrics.Lag,
                     EventBot.Lambda.EmbeddedMetrics.Applied, EventBot.Lambda.EmbeddedMetrics.DeadLetters })
        {
            Assert.Contains(metric, body);
        }
        Assert.Contains("\"Feed\", \"lambda\"", body);
        Assert.Contains("\"AWS/Lambda\", \"IteratorAge\", \"FunctionName\", aws_lambda_function.projector.function_name", body);
        Assert.Contains("\"AWS/SQS\", \"ApproximateNumberOfMessagesVisible\", \"QueueName\", aws_sqs_queue.projector_dlq.name", body);
        Assert.Equal("EventBot", tf.Variable("metrics_namespace").Str("default"));
        Assert.Equal(EventBot.Lambda.EmbeddedMetrics.Namespace, tf.Variable("metrics_namespace").Str("default"));
    }

    [Fact]
    public void Outputs_name_the_tables_stream_function_queue_and_roles()
    {
        var expected = new Dictionary<string, string>
        {
            ["events_table_name"] = "${aws_dynamodb_table.events.name}",
            ["events_table_arn"] = EventsArn,
            ["events_stream_arn"] = StreamArn,
            ["views_table_name"] = "${aws_dynamodb_table.views.name}",
            ["views_table_arn"] = ViewsArn,
            ["projector_function_name"] = "${aws_lambda_function.projector.function_name}",
            ["projector_dlq_url"] = "${aws_sqs_queue.projector_dlq.url}",
            ["projector_role_arn"] = "${aws_iam_role.projector.arn}",
            ["bot_role_arn"] = "${aws_iam_role.bot.arn}",
            ["poller_role_arn"] = "${aws_iam_role.poller.arn}",
        };
        foreach (var (name, value) in expected)
        {
            Assert.Equal(value, tf.Output(name).Str("value"));
        }
    }

    [Fact]
    public void The_aws_provider_is_a_release_that_accepts_the_dotnet10_runtime()
    {
        var aws = tf.Settings.Block("required_providers").GetProperty("aws");

        Assert.Equal("hashicorp/aws", aws.Str("source"));
        // Every 5.x provider rejects runtime "dotnet10" at plan time; 6.27.0 is the first that knows it.
        Assert.Equal(">= 6.27.0, < 7.0.0", aws.Str("version"));
    }

    [Fact]
    public void Every_file_parses()
    {
        Assert.Equal(
            ["alarms.tf", "dashboard.tf", "dynamodb.tf", "iam.tf", "interactions.tf", "lambda.tf", "outputs.tf", "sqs.tf", "variables.tf", "versions.tf"],
            tf.Files.Order(StringComparer.Ordinal));
    }
}
