using System.Text.Json;
using EventBot.EventStore.DynamoDb;
using EventBot.Interactions.Lambda;

namespace EventBot.Infrastructure.Tests;

/// <summary>terraform/interactions.tf agrees with src/Interactions.Lambda and keeps what the 3-second deadline and the
/// queue's correctness need.</summary>
public sealed class InteractionsTerraformTests(Terraform tf) : IClassFixture<Terraform>
{
    const string QueueArn = "${aws_sqs_queue.interactions.arn}";

    JsonElement Endpoint => tf.Resource("aws_lambda_function", "interactions");

    JsonElement Worker => tf.Resource("aws_lambda_function", "interactions_worker");

    [Fact]
    public void Both_functions_run_their_contract_handlers_on_dotnet10_arm64_from_one_package_with_snapstart()
    {
        foreach (var (function, handler, role) in new[]
                 {
                     (Endpoint, InteractionsContract.EndpointHandler, "interactions"),
                     (Worker, InteractionsContract.WorkerHandler, "interactions_worker"),
                 })
        {
            Assert.Equal(handler, function.Str("handler"));
            Assert.Equal(LambdaContract.Runtime, function.Str("runtime"));
            Assert.Equal([LambdaContract.Architecture], function.Strings("architectures"));
            Assert.Equal($"${{aws_iam_role.{role}.arn}}", function.Str("role"));
            Assert.Equal("${var.interactions_zip_path}", function.Str("filename"));
            Assert.True(function.Bool("publish"));
            Assert.Equal("PublishedVersions", function.Block("snap_start").Str("apply_on"));
            Assert.Equal($"${{aws_cloudwatch_log_group.{role}.name}}", function.Block("logging_config").Str("log_group"));
            var variables = function.Block("environment").GetProperty("variables");
            Assert.Equal("dynamodb", variables.Str("EVENTBOT_STORE"));
            Assert.Equal("off", variables.Str("EVENTBOT_PROJECTOR"));
            Assert.Equal("${var.prefix}", variables.Str(LambdaContract.TablePrefixVariable));
            Assert.Equal("${var.discord_public_key}", variables.Str("DISCORD_PUBLIC_KEY"));
            var group = tf.Resource("aws_cloudwatch_log_group", role);
            Assert.Equal("${var.log_retention_days}", group.Str("retention_in_days"));
            Assert.Equal($"/aws/lambda/{function.Str("function_name")}", group.Str("name"));
        }
        Assert.Equal("${aws_sqs_queue.interactions.url}", Endpoint.Block("environment").GetProperty("variables").Str(InteractionsContract.QueueUrlVariable));
    }

    [Fact]
    public void The_function_url_is_public_on_the_published_alias_because_the_signature_is_the_authentication()
    {
        var url = tf.Resource("aws_lambda_function_url", "interactions");
        var alias = tf.Resource("aws_lambda_alias", "interactions");

        Assert.Equal("NONE", url.Str("authorization_type"));
        Assert.Equal("${aws_lambda_alias.interactions.name}", url.Str("qualifier"));
        Assert.Equal("${aws_lambda_function.interactions.version}", alias.Str("function_version"));
        var permission = tf.Resource("aws_lambda_permission", "interactions_url");
        Assert.Equal(("lambda:InvokeFunctionUrl", "*", "NONE"), (permission.Str("action"), permission.Str("principal"), permission.Str("function_url_auth_type")));
        Assert.Equal("${aws_lambda_function_url.interactions.function_url}", tf.Output("interactions_url").Str("value"));
    }

    [Fact]
    public void The_worker_reads_the_queue_with_partial_batch_failures_and_the_queue_redrives_to_a_dlq()
    {
        var mapping = tf.Resource("aws_lambda_event_source_mapping", "interactions_worker");
        var queue = tf.Resource("aws_sqs_queue", "interactions");

        Assert.Equal(QueueArn, mapping.Str("event_source_arn"));
        Assert.Equal("${aws_lambda_alias.interactions_worker.arn}", mapping.Str("function_name"));
        Assert.Equal(["ReportBatchItemFailures"], mapping.Strings("function_response_types"));
        Assert.True(queue.Bool("sqs_managed_sse_enabled"));
        Assert.Contains("deadLetterTargetArn = aws_sqs_queue.interactions_dlq.arn", queue.Str("redrive_policy"), StringComparison.Ordinal);
        Assert.Contains("maxReceiveCount", queue.Str("redrive_policy"), StringComparison.Ordinal);
        // Not handed to a second worker while the first still runs it; not kept past the token's 15 minutes.
        Assert.Equal("${6 * var.interactions_worker_timeout_seconds}", queue.Str("visibility_timeout_seconds"));
        Assert.Equal(900, queue.GetProperty("message_retention_seconds").GetInt32());
        Assert.True(tf.Resource("aws_sqs_queue", "interactions_dlq").Bool("sqs_managed_sse_enabled"));
    }

    [Fact]
    public void Errors_of_both_functions_and_the_age_of_the_oldest_deferred_interaction_raise_alarms()
    {
        var errors = tf.Resource("aws_cloudwatch_metric_alarm", "interactions_errors");
        Assert.Equal(("AWS/Lambda", "Errors", "${each.value}"), (errors.Str("namespace"), errors.Str("metric_name"), errors.GetProperty("dimensions").Str("FunctionName")));
        var each = errors.GetProperty("for_each");
        Assert.Equal("${aws_lambda_function.interactions.function_name}", each.Str("interactions"));
        Assert.Equal("${aws_lambda_function.interactions_worker.function_name}", each.Str("interactions_worker"));

        var age = tf.Resource("aws_cloudwatch_metric_alarm", "interactions_queue_age");
        Assert.Equal(("AWS/SQS", "ApproximateAgeOfOldestMessage", "${aws_sqs_queue.interactions.name}"),
            (age.Str("namespace"), age.Str("metric_name"), age.GetProperty("dimensions").Str("QueueName")));
        var dlq = tf.Resource("aws_cloudwatch_metric_alarm", "interactions_dlq_messages");
        Assert.Equal("${aws_sqs_queue.interactions_dlq.name}", dlq.GetProperty("dimensions").Str("QueueName"));
    }

    [Fact]
    public void The_endpoint_only_sends_to_the_queue_and_only_the_worker_role_reads_it()
    {
        var endpoint = Iam.IamPolicy.Of(tf, "interactions").Grants.Where(g => g.Resource == QueueArn).Select(g => g.Action);
        var worker = Iam.IamPolicy.Of(tf, "interactions_worker").Grants.Where(g => g.Resource == QueueArn).Select(g => g.Action).Order(StringComparer.Ordinal);

        Assert.Equal(["sqs:SendMessage"], endpoint);
        Assert.Equal(["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], worker);
        foreach (var role in new[] { "bot", "poller", "projector" })
            Assert.DoesNotContain(Iam.IamPolicy.Of(tf, role).Grants, g => g.Resource == QueueArn);
    }
}
