# One CloudWatch dashboard for the operator: is the bot answering, is the store fast, is the projector keeping up,
# is anything being given up on. Beside alarms.tf, which pages on the last two.
#
# Sources:
# - The Lambda projector writes its metrics as Embedded Metric Format log lines (namespace var.metrics_namespace,
#   dimension Feed=lambda): eventbot.projector.applied, eventbot.projector.lag, eventbot.deadletters.
# - The bot exports OpenTelemetry metrics over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT); an OpenTelemetry collector with the
#   awsemf exporter (e.g. the ADOT collector as a sidecar) puts them in the same namespace under their own names
#   (eventbot.command.duration, eventbot.append.duration, ...). SEARCH picks them up whatever dimensions it keeps.
# - AWS/Lambda IteratorAge and AWS/SQS queue depth come from AWS itself.
locals {
  dashboard_metrics_search = "{${var.metrics_namespace}} MetricName="
}

resource "aws_cloudwatch_dashboard" "eventbot" {
  dashboard_name = "${var.prefix}operations"
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title   = "Command rate (commands per minute, by command and outcome)"
          region  = var.region
          view    = "timeSeries"
          stacked = true
          metrics = [[{ expression = "SEARCH('${local.dashboard_metrics_search}\"eventbot.command.duration\"', 'SampleCount', 60)", id = "commands", label = "" }]]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "Append latency (seconds, p50 and p99)"
          region = var.region
          view   = "timeSeries"
          metrics = [
            [{ expression = "SEARCH('${local.dashboard_metrics_search}\"eventbot.append.duration\"', 'p50', 60)", id = "append_p50", label = "p50" }],
            [{ expression = "SEARCH('${local.dashboard_metrics_search}\"eventbot.append.duration\"', 'p99', 60)", id = "append_p99", label = "p99" }],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 8, height = 6
        properties = {
          title   = "Projector lag (seconds: now - recorded-at of the oldest unapplied event)"
          region  = var.region
          view    = "timeSeries"
          metrics = [[var.metrics_namespace, "eventbot.projector.lag", "Feed", "lambda", { stat = "Maximum", period = 60 }]]
        }
      },
      {
        type = "metric", x = 8, y = 6, width = 8, height = 6
        properties = {
          title   = "Iterator age (ms: the stream records' age when the mapping hands them over)"
          region  = var.region
          view    = "timeSeries"
          metrics = [["AWS/Lambda", "IteratorAge", "FunctionName", aws_lambda_function.projector.function_name, { stat = "Maximum", period = 60 }]]
        }
      },
      {
        type = "metric", x = 16, y = 6, width = 8, height = 6
        properties = {
          title   = "Events applied by the projector (per minute)"
          region  = var.region
          view    = "timeSeries"
          metrics = [[var.metrics_namespace, "eventbot.projector.applied", "Feed", "lambda", { stat = "Sum", period = 60 }]]
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title   = "Dead letters (records given up on; list them with `projections errors`)"
          region  = var.region
          view    = "timeSeries"
          metrics = [[var.metrics_namespace, "eventbot.deadletters", "Feed", "lambda", { stat = "Sum", period = 300 }]]
        }
      },
      {
        type = "metric", x = 12, y = 12, width = 12, height = 6
        properties = {
          title   = "Projector DLQ depth (batches the event source mapping gave up on)"
          region  = var.region
          view    = "timeSeries"
          metrics = [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.projector_dlq.name, { stat = "Maximum", period = 300 }]]
        }
      },
    ]
  })
}
