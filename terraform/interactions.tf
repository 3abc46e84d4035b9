# Slash commands without a gateway process: Discord POSTs every interaction to a Lambda Function URL
# (`interactions`), which verifies the Ed25519 signature (DISCORD_PUBLIC_KEY) and answers within Discord's 3 s. A
# command that is not ready inside its budget is answered type 5 and put on the `interactions` queue first (Lambda
# freezes the function once it answers); `interactions_worker` runs it again there (the interaction id makes the second
# run append nothing and answer the first outcome) and edits the original message. See the README's "Run serverless".

locals {
  interactions_function_name        = "${var.prefix}interactions"
  interactions_worker_function_name = "${var.prefix}interactions-worker"
}

# --- the queue of deferred interactions ----------------------------------------------------------------------------

# Messages the worker kept failing on (receive count exhausted); the interaction's reply stays "thinking…".
resource "aws_sqs_queue" "interactions_dlq" {
  name                      = "${var.prefix}interactions-dlq"
  message_retention_seconds = 1209600 # 14 days, to look at what failed
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "interactions" {
  name = "${var.prefix}interactions"
  # Each message holds the interaction and its token (a secret for 15 minutes): encrypted at rest, and kept no longer
  # than the token can still edit the reply.
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 900
  # AWS's advice for a Lambda event source: at least six times the function's timeout, so a message is not handed to
  # a second worker while the first still runs it.
  visibility_timeout_seconds = 6 * var.interactions_worker_timeout_seconds

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.interactions_dlq.arn
    maxReceiveCount     = var.interactions_max_receive_count
  })
}

# --- the Function URL's function ------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "interactions" {
  name              = "/aws/lambda/${local.interactions_function_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "interactions" {
  function_name    = local.interactions_function_name
  description      = "EventBot interactions endpoint: Discord's Interactions Endpoint URL (Function URL)"
  role             = aws_iam_role.interactions.arn
  filename         = var.interactions_zip_path
  source_code_hash = filebase64sha256(var.interactions_zip_path)

  runtime       = "dotnet10"
  architectures = ["arm64"]
  # InteractionsContract.EndpointHandler in src/Interactions.Lambda; a test keeps the two equal.
  handler     = "EventBot.Interactions.Lambda::EventBot.Interactions.Lambda.InteractionsFunction::Handle"
  memory_size = var.interactions_memory_mb
  # Discord gives up after 3 s; the function itself answers within its budget or defers. The margin covers a slow
  # store call that must still hand the interaction to the queue.
  timeout = var.interactions_timeout_seconds

  # Cold start is what puts the 3 s at risk: SnapStart resumes published versions from a snapshot taken after init.
  publish = true
  snap_start {
    apply_on = "PublishedVersions"
  }

  environment {
    variables = {
      EVENTBOT_STORE                  = "dynamodb"
      EVENTBOT_PROJECTOR              = "off"
      EVENTBOT_TABLE_PREFIX           = var.prefix
      EVENTBOT_INTERACTIONS_QUEUE_URL = aws_sqs_queue.interactions.url
      EVENTBOT_KMS_KEY_ID             = aws_kms_key.eventbot.arn
      DISCORD_PUBLIC_KEY              = var.discord_public_key
      DISCORD_TOKEN                   = var.discord_token
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.interactions.name
  }

  depends_on = [aws_iam_role_policy.interactions]
}

# The URL points at the alias, so it always runs the latest published (snapshotted) version.
resource "aws_lambda_alias" "interactions" {
  name             = "live"
  function_name    = aws_lambda_function.interactions.function_name
  function_version = aws_lambda_function.interactions.version
}

resource "aws_lambda_function_url" "interactions" {
  function_name = aws_lambda_function.interactions.function_name
  qualifier     = aws_lambda_alias.interactions.name
  # No IAM auth: Discord cannot sign with SigV4. The Ed25519 signature is the authentication, checked before anything
  # reads the body; an unsigned or badly signed request gets 401 and touches nothing.
  authorization_type = "NONE"
}

resource "aws_lambda_permission" "interactions_url" {
  statement_id           = "FunctionUrlPublic"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.interactions.function_name
  qualifier              = aws_lambda_alias.interactions.name
  principal              = "*"
  function_url_auth_type = "NONE"
}

# --- the worker -----------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "interactions_worker" {
  name              = "/aws/lambda/${local.interactions_worker_function_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "interactions_worker" {
  function_name    = local.interactions_worker_function_name
  description      = "EventBot interactions worker: finishes deferred interactions and edits the original message"
  role             = aws_iam_role.interactions_worker.arn
  filename         = var.interactions_zip_path
  source_code_hash = filebase64sha256(var.interactions_zip_path)

  runtime       = "dotnet10"
  architectures = ["arm64"]
  # InteractionsContract.WorkerHandler.
  handler     = "EventBot.Interactions.Lambda::EventBot.Interactions.Lambda.InteractionsWorkerFunction::Handle"
  memory_size = var.interactions_memory_mb
  timeout     = var.interactions_worker_timeout_seconds

  publish = true
  snap_start {
    apply_on = "PublishedVersions"
  }

  environment {
    variables = {
      EVENTBOT_STORE        = "dynamodb"
      EVENTBOT_PROJECTOR    = "off"
      EVENTBOT_TABLE_PREFIX = var.prefix
      EVENTBOT_KMS_KEY_ID   = aws_kms_key.eventbot.arn
      DISCORD_PUBLIC_KEY    = var.discord_public_key
      DISCORD_TOKEN         = var.discord_token
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.interactions_worker.name
  }

  depends_on = [aws_iam_role_policy.interactions_worker]
}

resource "aws_lambda_alias" "interactions_worker" {
  name             = "live"
  function_name    = aws_lambda_function.interactions_worker.function_name
  function_version = aws_lambda_function.interactions_worker.version
}

resource "aws_lambda_event_source_mapping" "interactions_worker" {
  event_source_arn = aws_sqs_queue.interactions.arn
  function_name    = aws_lambda_alias.interactions_worker.arn
  batch_size       = 5
  # A deferred reply is waited for by a person: no batching window.
  maximum_batching_window_in_seconds = 0
  # The worker answers batchItemFailures: only the failed messages come back (and after maxReceiveCount, the DLQ).
  function_response_types = ["ReportBatchItemFailures"]

  # The mapping reads and deletes messages with the worker's role: grant before it starts polling.
  depends_on = [aws_iam_role_policy.interactions_worker]
}

# --- alarms ---------------------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "interactions_errors" {
  for_each = {
    interactions        = aws_lambda_function.interactions.function_name
    interactions_worker = aws_lambda_function.interactions_worker.function_name
  }
  alarm_name          = "${var.prefix}${replace(each.key, "_", "-")}-errors"
  alarm_description   = "EventBot ${replace(each.key, "_", " ")} function failed invocations (users saw \"This interaction failed\" or a reply that never came)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

# Deferred replies waiting: a person is looking at "thinking…" for that long.
resource "aws_cloudwatch_metric_alarm" "interactions_queue_age" {
  alarm_name          = "${var.prefix}interactions-queue-age"
  alarm_description   = "EventBot deferred interactions wait longer than ${var.interactions_queue_age_alarm_seconds} s for the worker."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.interactions.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.interactions_queue_age_alarm_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "interactions_dlq_messages" {
  alarm_name          = "${var.prefix}interactions-dlq-messages"
  alarm_description   = "EventBot's interactions worker gave up on deferred interactions; see the interactions DLQ."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.interactions_dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}
