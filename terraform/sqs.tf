# Where the event source mapping sends the metadata of stream records it gave up on (retries or age exhausted).
# The message names the shard and sequence range; the events themselves stay in the table, so a retry re-reads them.
resource "aws_sqs_queue" "projector_dlq" {
  name                      = "${var.prefix}projector-dlq"
  message_retention_seconds = 1209600 # 14 days, the most SQS keeps
  sqs_managed_sse_enabled   = true
}
