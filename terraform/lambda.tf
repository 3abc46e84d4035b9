locals {
  projector_function_name = "${var.prefix}projector"
}

# Created before the function so Lambda never creates it itself (without retention, and without the role needing
# logs:CreateLogGroup).
resource "aws_cloudwatch_log_group" "projector" {
  name              = "/aws/lambda/${local.projector_function_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "projector" {
  function_name    = local.projector_function_name
  description      = "EventBot projector: applies events from the events table's stream to the read models"
  role             = aws_iam_role.projector.arn
  filename         = var.lambda_zip_path
  source_code_hash = filebase64sha256(var.lambda_zip_path)

  runtime       = "dotnet10"
  architectures = ["arm64"]
  # LambdaContract.Handler in src/EventStore/DynamoDb/LambdaContract.cs; a test keeps the two equal.
  handler     = "EventBot.Lambda::EventBot.Lambda.ProjectorFunction::Handle"
  memory_size = var.lambda_memory_mb
  timeout     = var.lambda_timeout_seconds

  environment {
    variables = {
      EVENTBOT_TABLE_PREFIX = var.prefix
      EVENTBOT_STORE        = "dynamodb"
      EVENTBOT_KMS_KEY_ID   = aws_kms_key.eventbot.arn
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.projector.name
  }

  depends_on = [aws_iam_role_policy.projector]
}

resource "aws_lambda_event_source_mapping" "projector" {
  event_source_arn = aws_dynamodb_table.events.stream_arn
  function_name    = aws_lambda_function.projector.arn

  # From the oldest record still in the stream (24 h): a new mapping catches up instead of skipping events.
  starting_position                  = "TRIM_HORIZON"
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.batching_window_seconds

  # The handler answers batchItemFailures from the first failed record, so only the rest is redelivered; a batch
  # that fails as a whole is split to isolate the poison record. Both bounds are finite so one bad record can
  # never block its shard for good: it ends up in the DLQ and as a dead letter in the views table.
  function_response_types        = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = var.maximum_retry_attempts
  maximum_record_age_in_seconds  = var.maximum_record_age_seconds

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.projector_dlq.arn
    }
  }

  # The mapping reads the stream and sends to the DLQ with the function's role: grant before it starts polling.
  depends_on = [aws_iam_role_policy.projector]
}
