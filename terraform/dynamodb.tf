# Mirrors src/EventStore/DynamoDb/EventBotTables.cs; tests/Infrastructure.Tests fails when the two disagree.

resource "aws_dynamodb_table" "events" {
  name         = "${var.prefix}events"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "stream_id"
  range_key    = "version"

  attribute {
    name = "stream_id"
    type = "S"
  }

  attribute {
    name = "version"
    type = "N"
  }

  attribute {
    name = "guild_category"
    type = "S"
  }

  attribute {
    name = "recorded_at"
    type = "S"
  }

  global_secondary_index {
    name            = "by_guild"
    hash_key        = "guild_category"
    range_key       = "recorded_at"
    projection_type = "ALL"
  }

  # The projector's feed: every new event item, as written.
  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"

  # The events are the system of record; everything else can be rebuilt from them.
  point_in_time_recovery {
    enabled = true
  }

  deletion_protection_enabled = true

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_dynamodb_table" "views" {
  name         = "${var.prefix}views"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  # Read models can be replayed from the events, but checkpoints and dead letters live here too.
  point_in_time_recovery {
    enabled = true
  }

  deletion_protection_enabled = true
}
