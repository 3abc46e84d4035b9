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

# The wrapped data keys of docs/privacy.md (src/EventStore/Privacy). Destroying a key erases what it encrypted, in the
# events table, its stream and its backups alike, so this table has no stream, and no point-in-time recovery: a
# restore must not bring destroyed keys back.
resource "aws_dynamodb_table" "keys" {
  name         = "${var.prefix}keys"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  attribute {
    name = "owner"
    type = "S"
  }

  attribute {
    name = "guild_id"
    type = "S"
  }

  # An erasure finds the keys to destroy with a Query (the bot may not Scan): a user's keys in every server by their
  # owner HMAC (forget-me), a server's keys by its id (purge). Sparse: only key items carry these attributes.
  global_secondary_index {
    name            = "by_owner"
    hash_key        = "owner"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by_guild"
    hash_key        = "guild_id"
    projection_type = "ALL"
  }

  deletion_protection_enabled = true
}

# The master key: wraps guild keys and the lookup key (GenerateDataKey, Decrypt), EVENTBOT_KMS_KEY_ID.
resource "aws_kms_key" "eventbot" {
  description             = "${var.prefix} master key of the privacy layer (docs/privacy.md)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}
