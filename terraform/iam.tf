# One role per process, each with exactly what that process was seen to call: tests/Infrastructure.Tests/Iam records
# every DynamoDB and Streams request of real sessions of the bot, the projector Lambda and the `projector` verb, and
# fails on a call that is not granted here and on a grant that nothing uses. Rebuilds, dead-letter retries and
# `tables create` are operator tasks run with the operator's own credentials, so no role can delete views in bulk,
# scan, or create tables.

# --- projector (the Lambda) ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "projector_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "projector" {
  name               = "${var.prefix}projector"
  assume_role_policy = data.aws_iam_policy_document.projector_assume.json
}

data "aws_iam_policy_document" "projector" {
  # The event source mapping polls the stream with the function's role.
  statement {
    sid = "ReadEventsStream"
    actions = [
      "dynamodb:DescribeStream",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
    ]
    resources = [aws_dynamodb_table.events.stream_arn]
  }

  # ListStreams takes no resource ARN in IAM (it only lists stream ARNs, no data), so it can only be granted on
  # "*". The mapping itself is bound to the one stream above.
  statement {
    sid       = "ListStreams"
    actions   = ["dynamodb:ListStreams"]
    resources = ["*"]
  }

  # Gap fill: when an event arrives ahead of the version a row has applied, the missing versions are read from
  # the stream's partition with a consistent Query. Read only: the projector never writes events.
  statement {
    sid       = "GapFillEvents"
    actions   = ["dynamodb:Query"]
    resources = [aws_dynamodb_table.events.arn]
  }

  statement {
    sid = "WriteViews"
    actions = [
      "dynamodb:GetItem", # a row and its applied versions; the active generation pointers; a dead letter
      "dynamodb:PutItem", # the conditional row write that also stores the new applied version; dead letters
    ]
    # The view store writes whole rows with a revision condition, so no UpdateItem. No Query (the projector reads
    # rows one by one), no BatchWriteItem or Scan: dropping an old generation belongs to the rebuild, an operator task.
    resources = [aws_dynamodb_table.views.arn]
  }

  # A record that failed and then applied has its dead letter removed. Only in the dead letters' partition
  # (DeadLetterStore.Partition): the projector cannot delete a read-model row.
  statement {
    sid       = "RemoveDeadLetters"
    actions   = ["dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.views.arn]

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "dynamodb:LeadingKeys"
      values   = ["deadletters"]
    }
  }

  # Erasures (docs/privacy.md): on an erasure event the projector re-projects the rows of that server. It finds the
  # server's streams with the events' guild index, and the rows stored in their partitions with a Query.
  statement {
    sid       = "ReprojectErasures"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.events.arn}/index/by_guild", aws_dynamodb_table.views.arn]
  }

  # A row whose sort key is a forgotten user's id (their sparkle total, their places on the boards, their game
  # record) cannot be rewritten clean: it is deleted (the same history now makes it under an anonymous number). Only
  # in the partitions of the projections keyed by user (ErasureReprojection.RowsKeyedByUser), any generation.
  statement {
    sid       = "RemoveErasedRows"
    actions   = ["dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.views.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["sparkle-totals#*", "sparkle-board#*", "play-stats#*", "play-board#*"]
    }
  }

  # Reveal records before projecting them (docs/privacy.md): wrapped keys, unwrapped by KMS.
  statement {
    sid       = "ReadKeys"
    actions   = ["dynamodb:GetItem"]
    resources = [aws_dynamodb_table.keys.arn]
  }

  statement {
    sid       = "UnwrapKeys"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.eventbot.arn]
  }

  statement {
    sid       = "SendToDlq"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.projector_dlq.arn]
  }

  # The log group exists already (lambda.tf), so no logs:CreateLogGroup.
  statement {
    sid = "WriteOwnLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["${aws_cloudwatch_log_group.projector.arn}:*"]
  }
}

resource "aws_iam_role_policy" "projector" {
  name   = "projector"
  role   = aws_iam_role.projector.id
  policy = data.aws_iam_policy_document.projector.json
}

# --- bot (the long-running Discord process) -------------------------------------------------------------------------

data "aws_iam_policy_document" "bot_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = var.bot_trusted_services
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "bot" {
  name               = "${var.prefix}bot"
  assume_role_policy = data.aws_iam_policy_document.bot_assume.json
}

data "aws_iam_policy_document" "bot" {
  # An append is one TransactWriteItems: conditional puts (attribute_not_exists) of the events and the idempotency
  # marker (and, for plays and sparkles, the put of the state stored beside the stream) and, on an existing stream, a
  # ConditionCheck of the expected version. IAM has no TransactWriteItems
  # action: it authorizes each item as its own action, Put as dynamodb:PutItem and ConditionCheck as
  # dynamodb:ConditionCheckItem (without it every update of an existing key, sparkle pair or player is denied).
  # GetItem reads the marker of a redelivered message and the state beside a stream; Query reads one stream.
  statement {
    sid = "AppendAndReadEvents"
    actions = [
      "dynamodb:PutItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:GetItem",
      "dynamodb:Query",
    ]
    resources = [aws_dynamodb_table.events.arn]
  }

  # Guild history across keys (eventually consistent) reads the by_guild index.
  statement {
    sid       = "QueryGuildHistory"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.events.arn}/index/by_guild"]
  }

  # Answers come from the read models, and read-your-writes waits on a row's applied version. Never a write:
  # only the projector writes views.
  statement {
    sid = "ReadViews"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:Query",
    ]
    resources = [aws_dynamodb_table.views.arn]
  }

  # Keys of docs/privacy.md: a new key is a conditional TransactWriteItems of two puts (the key and its lookup).
  statement {
    sid = "ReadAndAddKeys"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
    ]
    resources = [aws_dynamodb_table.keys.arn]
  }

  # Erasures from chat (docs/privacy.md): a user's keys by their owner HMAC (forget-me) and a server's keys (the purge
  # after the bot was removed) with a Query of the keys table's indexes, never a Scan; then each key and its lookup
  # item deleted. The read models are re-projected by the projector, not here.
  statement {
    sid       = "FindKeysToErase"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.keys.arn}/index/by_owner", "${aws_dynamodb_table.keys.arn}/index/by_guild"]
  }

  statement {
    sid       = "DestroyKeys"
    actions   = ["dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.keys.arn]
  }

  statement {
    sid = "WrapAndUnwrapKeys"
    actions = [
      "kms:GenerateDataKey",
      "kms:Decrypt",
    ]
    resources = [aws_kms_key.eventbot.arn]
  }
}

resource "aws_iam_role_policy" "bot" {
  name   = "bot"
  role   = aws_iam_role.bot.id
  policy = data.aws_iam_policy_document.bot.json
}

# --- poller (the `projector` verb, self-hosted instead of the Lambda) ---------------------------------------------

# For a deployment that runs the Streams poller as a process of its own (`eventbot projector`, as docker-compose.yml
# does) next to a bot with EVENTBOT_PROJECTOR=off, instead of the Lambda. Assumed by the same services as the bot.
data "aws_iam_policy_document" "poller_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = var.bot_trusted_services
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "poller" {
  name               = "${var.prefix}poller"
  assume_role_policy = data.aws_iam_policy_document.poller_assume.json
}

data "aws_iam_policy_document" "poller" {
  # The poller finds the table's current stream with DescribeTable (LatestStreamArn).
  statement {
    sid       = "FindEventsStream"
    actions   = ["dynamodb:DescribeTable"]
    resources = [aws_dynamodb_table.events.arn]
  }

  # Our own Streams client: shards (paginated), iterators, records. It never calls ListStreams.
  statement {
    sid = "ReadEventsStream"
    actions = [
      "dynamodb:DescribeStream",
      "dynamodb:GetShardIterator",
      "dynamodb:GetRecords",
    ]
    resources = [aws_dynamodb_table.events.stream_arn]
  }

  # Gap fill, as the Lambda.
  statement {
    sid       = "GapFillEvents"
    actions   = ["dynamodb:Query"]
    resources = [aws_dynamodb_table.events.arn]
  }

  # Rows, generation pointers, dead letters, shard checkpoints and the lag status row.
  statement {
    sid = "WriteViews"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
    ]
    resources = [aws_dynamodb_table.views.arn]
  }

  statement {
    sid       = "RemoveDeadLetters"
    actions   = ["dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.views.arn]

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "dynamodb:LeadingKeys"
      values   = ["deadletters"]
    }
  }

  # Erasures, as the Lambda.
  statement {
    sid       = "ReprojectErasures"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.events.arn}/index/by_guild", aws_dynamodb_table.views.arn]
  }

  statement {
    sid       = "RemoveErasedRows"
    actions   = ["dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.views.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["sparkle-totals#*", "sparkle-board#*", "play-stats#*", "play-board#*"]
    }
  }

  # Reveal records before projecting them, as the Lambda.
  statement {
    sid       = "ReadKeys"
    actions   = ["dynamodb:GetItem"]
    resources = [aws_dynamodb_table.keys.arn]
  }

  statement {
    sid       = "UnwrapKeys"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.eventbot.arn]
  }
}

resource "aws_iam_role_policy" "poller" {
  name   = "poller"
  role   = aws_iam_role.poller.id
  policy = data.aws_iam_policy_document.poller.json
}

# --- interactions (the Function URL's function) ---------------------------------------------------------------------

data "aws_iam_policy_document" "interactions_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "interactions" {
  name               = "${var.prefix}interactions"
  assume_role_policy = data.aws_iam_policy_document.interactions_assume.json
}

data "aws_iam_policy_document" "interactions" {
  # The same commands as the bot's, so the same appends and reads (see the bot's statements for why each action).
  statement {
    sid = "AppendAndReadEvents"
    actions = [
      "dynamodb:PutItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:GetItem",
      "dynamodb:Query",
    ]
    resources = [aws_dynamodb_table.events.arn]
  }

  statement {
    sid       = "QueryGuildHistory"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.events.arn}/index/by_guild"]
  }

  statement {
    sid = "ReadViews"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:Query",
    ]
    resources = [aws_dynamodb_table.views.arn]
  }

  # Personal fields are sealed under keys of docs/privacy.md, as the bot's commands are: the same master key (a key
  # kept in a Lambda's /tmp would be lost, and what it sealed with it).
  statement {
    sid = "ReadAndAddKeys"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
    ]
    resources = [aws_dynamodb_table.keys.arn]
  }

  # Erasures from slash commands (docs/privacy.md), recorded by InteractionSessions: `/remember redact` by a moderator
  # destroys the value version's key, found by its lookup (GetItem above); the click of `/privacy forget-me`'s button
  # finds the user's keys with a Query of the keys table's by_owner index (never a Scan; by_guild is only the purge's,
  # which does not run here) and destroys them. The projector re-projects the rows: still nothing on the views table.
  statement {
    sid       = "FindOwnKeysToErase"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.keys.arn}/index/by_owner"]
  }

  statement {
    sid       = "DestroyErasedKeys"
    actions   = ["dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.keys.arn]
  }

  statement {
    sid = "WrapAndUnwrapKeys"
    actions = [
      "kms:GenerateDataKey",
      "kms:Decrypt",
    ]
    resources = [aws_kms_key.eventbot.arn]
  }

  # A command not ready in time is handed to the worker before type 5 is answered. Send only: never read the queue.
  statement {
    sid       = "DeferToWorker"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.interactions.arn]
  }

  statement {
    sid = "WriteOwnLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["${aws_cloudwatch_log_group.interactions.arn}:*"]
  }
}

resource "aws_iam_role_policy" "interactions" {
  name   = "interactions"
  role   = aws_iam_role.interactions.id
  policy = data.aws_iam_policy_document.interactions.json
}

# --- interactions_worker (the queue's worker) -----------------------------------------------------------------------

data "aws_iam_policy_document" "interactions_worker_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "interactions_worker" {
  name               = "${var.prefix}interactions-worker"
  assume_role_policy = data.aws_iam_policy_document.interactions_worker_assume.json
}

data "aws_iam_policy_document" "interactions_worker" {
  # Runs the deferred command to its end: the same appends (a second run finds the idempotency marker) and reads.
  statement {
    sid = "AppendAndReadEvents"
    actions = [
      "dynamodb:PutItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:GetItem",
      "dynamodb:Query",
    ]
    resources = [aws_dynamodb_table.events.arn]
  }

  statement {
    sid       = "QueryGuildHistory"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.events.arn}/index/by_guild"]
  }

  statement {
    sid = "ReadViews"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:Query",
    ]
    resources = [aws_dynamodb_table.views.arn]
  }

  # The event source mapping reads and deletes the queue's messages with the function's role (what
  # AWSLambdaSQSQueueExecutionRole grants, on this queue only).
  # Personal fields are sealed under keys of docs/privacy.md, as the bot's commands are: the same master key (a key
  # kept in a Lambda's /tmp would be lost, and what it sealed with it).
  statement {
    sid = "ReadAndAddKeys"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
    ]
    resources = [aws_dynamodb_table.keys.arn]
  }

  # The same erasures when they are deferred to this worker (a command not finished within the endpoint's budget, as a
  # forget-me or a redact waiting for the projector's re-projection is): the user's keys by the by_owner index, then
  # each key and its lookup item deleted. Recorded by InteractionSessions; still nothing on the views table.
  statement {
    sid       = "FindOwnKeysToErase"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.keys.arn}/index/by_owner"]
  }

  statement {
    sid       = "DestroyErasedKeys"
    actions   = ["dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.keys.arn]
  }

  statement {
    sid = "WrapAndUnwrapKeys"
    actions = [
      "kms:GenerateDataKey",
      "kms:Decrypt",
    ]
    resources = [aws_kms_key.eventbot.arn]
  }

  statement {
    sid = "ReadDeferredInteractions"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
    ]
    resources = [aws_sqs_queue.interactions.arn]
  }

  statement {
    sid = "WriteOwnLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["${aws_cloudwatch_log_group.interactions_worker.arn}:*"]
  }
}

resource "aws_iam_role_policy" "interactions_worker" {
  name   = "interactions_worker"
  role   = aws_iam_role.interactions_worker.id
  policy = data.aws_iam_policy_document.interactions_worker.json
}
