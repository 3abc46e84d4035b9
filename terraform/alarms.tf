# Projector lag: IteratorAge is the age of the last record of a batch when the mapping hands it to the function.
# It grows when the projector falls behind or is stuck retrying, i.e. read models go stale and replies fall back
# to "saved, still catching up".
resource "aws_cloudwatch_metric_alarm" "projector_iterator_age" {
  alarm_name        = "${var.prefix}projector-iterator-age"
  alarm_description = "EventBot projector is behind the events stream by more than ${var.iterator_age_alarm_threshold_ms} ms."
  namespace         = "AWS/Lambda"
  metric_name       = "IteratorAge"
  dimensions = {
    FunctionName = aws_lambda_function.projector.function_name
  }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.iterator_age_alarm_threshold_ms
  # No invocations means no records, not lag.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.alarm_actions
}

# Any record the mapping gave up on: some read model missed an event until someone retries it.
resource "aws_cloudwatch_metric_alarm" "projector_dlq_messages" {
  alarm_name        = "${var.prefix}projector-dlq-messages"
  alarm_description = "EventBot projector gave up on stream records; see the DLQ and the dead letters in the views table."
  namespace         = "AWS/SQS"
  metric_name       = "ApproximateNumberOfMessagesVisible"
  dimensions = {
    QueueName = aws_sqs_queue.projector_dlq.name
  }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.dlq_alarm_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}
