output "events_table_name" {
  description = "Events table (EventBotTables.EventsTableName(prefix))."
  value       = aws_dynamodb_table.events.name
}

output "events_table_arn" {
  value = aws_dynamodb_table.events.arn
}

output "events_stream_arn" {
  description = "The events table's stream, read by the Lambda's event source mapping (or by the Streams poller)."
  value       = aws_dynamodb_table.events.stream_arn
}

output "views_table_name" {
  value = aws_dynamodb_table.views.name
}

output "views_table_arn" {
  value = aws_dynamodb_table.views.arn
}

output "projector_function_name" {
  value = aws_lambda_function.projector.function_name
}

output "projector_dlq_url" {
  value = aws_sqs_queue.projector_dlq.url
}

output "projector_role_arn" {
  value = aws_iam_role.projector.arn
}

output "bot_role_arn" {
  description = "Role for the bot's runtime (e.g. an ECS task role): appends events, reads views."
  value       = aws_iam_role.bot.arn
}

output "poller_role_arn" {
  description = "Role for a self-hosted `projector` process (the Streams poller) used instead of the Lambda."
  value       = aws_iam_role.poller.arn
}

output "interactions_url" {
  description = "Paste into the Developer Portal: your application › General Information › Interactions Endpoint URL. Discord checks it (a PING, and a deliberately bad signature) before saving."
  value       = aws_lambda_function_url.interactions.function_url
}

output "interactions_queue_url" {
  value = aws_sqs_queue.interactions.url
}

output "interactions_dlq_url" {
  value = aws_sqs_queue.interactions_dlq.url
}

output "interactions_role_arn" {
  value = aws_iam_role.interactions.arn
}

output "interactions_worker_role_arn" {
  value = aws_iam_role.interactions_worker.arn
}
