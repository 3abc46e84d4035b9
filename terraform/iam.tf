# Two roles, each with only what its process does. Rebuilds, dead-letter retries and `tables create` are operator
# tasks run with the operator's own credentials, so neither role can delete views in bulk, scan, or create tables.

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
      "dynamodb:GetItem", # a row and its applied versions; the active generation pointer
      "dynamodb:Query",   # a whole partition in sort order (IViewStore.QueryAsync)
      "dynamodb:PutItem", # the conditional row write that also stores the new applied version; dead letters
    ]
    # The view store writes whole rows with a revision condition, so no UpdateItem. No DeleteItem, BatchWriteItem
    # or Scan: dropping an old generation (IViewStore.DeletePartitionsAsync) belongs to the rebuild, an operator task.
    resources = [aws_dynamodb_table.views.arn]
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
  # Appends are conditional puts (attribute_not_exists), several events plus the idempotency marker in one
  # TransactWriteItems. IAM has no TransactWriteItems action: each Put inside a transaction is authorized as
  # dynamodb:PutItem. GetItem finds an idempotency marker; Query reads one stream.
  statement {
    sid = "AppendAndReadEvents"
    actions = [
      "dynamodb:PutItem",
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
}

resource "aws_iam_role_policy" "bot" {
  name   = "bot"
  role   = aws_iam_role.bot.id
  policy = data.aws_iam_policy_document.bot.json
}
