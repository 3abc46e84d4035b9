variable "prefix" {
  description = "Prefix of every resource name; the tables are <prefix>events and <prefix>views (EventBotTables.DefaultPrefix is \"eventbot-\")."
  type        = string
  default     = "eventbot-"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{0,40}$", var.prefix))
    error_message = "prefix may hold letters, digits, '_', '.', '-' only (DynamoDB table-name characters), at most 40 of them."
  }
}

variable "region" {
  description = "AWS region for everything."
  type        = string
  default     = "us-east-1"
}

variable "lambda_zip_path" {
  description = "Path of the projector Lambda's deployment package (dotnet publish of src/Lambda for linux-arm64, zipped)."
  type        = string
}

variable "lambda_memory_mb" {
  description = "Projector Lambda memory in MB (CPU scales with it)."
  type        = number
  default     = 512

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be between 128 and 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Projector Lambda timeout: one batch, including gap-fill reads and conditional view writes."
  type        = number
  default     = 60

  validation {
    condition     = var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be between 1 and 900."
  }
}

variable "batch_size" {
  description = "Most stream records per invocation."
  type        = number
  default     = 100

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000."
  }
}

variable "batching_window_seconds" {
  description = "How long the event source mapping may gather records before invoking; 0 keeps read-your-writes waits short."
  type        = number
  default     = 0

  validation {
    condition     = var.batching_window_seconds >= 0 && var.batching_window_seconds <= 300
    error_message = "batching_window_seconds must be between 0 and 300."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch (after bisecting) before its records go to the DLQ. Bounded: -1 (forever) would block the shard."
  type        = number
  default     = 5

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 10000
    error_message = "maximum_retry_attempts must be between 0 and 10000 (never -1, which retries forever)."
  }
}

variable "maximum_record_age_seconds" {
  description = "Records older than this are sent to the DLQ instead of being retried. Bounded: -1 (forever) would block the shard."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_record_age_seconds >= 60 && var.maximum_record_age_seconds <= 604800
    error_message = "maximum_record_age_seconds must be between 60 and 604800 (never -1, which keeps records forever)."
  }
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention of the projector's log group."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "iterator_age_alarm_threshold_ms" {
  description = "Alarm when the projector's oldest unprocessed stream record is older than this (ms): read models are that far behind."
  type        = number
  default     = 60000
}

variable "dlq_alarm_threshold" {
  description = "Alarm when the DLQ holds more than this many visible messages; 0 means any dead letter alarms."
  type        = number
  default     = 0
}

variable "alarm_actions" {
  description = "ARNs (e.g. an SNS topic) notified when an alarm fires or clears. Empty: the alarms only show in the console."
  type        = list(string)
  default     = []
}

variable "bot_trusted_services" {
  description = "AWS services allowed to assume the bot role and the poller role (where their containers run)."
  type        = list(string)
  default     = ["ecs-tasks.amazonaws.com"]
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of EventBot's own metrics: the Lambda projector's Embedded Metric Format lines, and the bot's OTLP metrics when a collector's awsemf exporter writes them (the dashboard reads both)."
  type        = string
  default     = "EventBot"
}

variable "interactions_zip_path" {
  description = "Path of the interaction functions' deployment package (dotnet publish of src/Interactions.Lambda for linux-arm64, zipped); both functions run it."
  type        = string
}

variable "discord_public_key" {
  description = "The application's public key from the Developer Portal (General Information), 64 hex digits: every interaction request is verified with it."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-fA-F]{64}$", var.discord_public_key))
    error_message = "discord_public_key must be the 64 hex digits the Developer Portal shows."
  }
}

variable "discord_token" {
  description = "The bot token: the interaction functions edit deferred replies with Discord's REST client, which is configured with it (as `commands sync` is). Kept out of plans' output; it lands in the functions' environment, encrypted at rest by Lambda."
  type        = string
  sensitive   = true
}

variable "interactions_memory_mb" {
  description = "Memory of the interaction functions in MB; CPU scales with it, and with it the cold start."
  type        = number
  default     = 1024

  validation {
    condition     = var.interactions_memory_mb >= 128 && var.interactions_memory_mb <= 10240
    error_message = "interactions_memory_mb must be between 128 and 10240."
  }
}

variable "interactions_timeout_seconds" {
  description = "Timeout of the endpoint function. Discord waits 3 s for the answer; the function answers within its budget or defers."
  type        = number
  default     = 10

  validation {
    condition     = var.interactions_timeout_seconds >= 3 && var.interactions_timeout_seconds <= 60
    error_message = "interactions_timeout_seconds must be between 3 and 60."
  }
}

variable "interactions_worker_timeout_seconds" {
  description = "Timeout of the worker (one deferred interaction to its end, and the edit of the reply). The queue's visibility timeout is six times this."
  type        = number
  default     = 60

  validation {
    condition     = var.interactions_worker_timeout_seconds >= 10 && var.interactions_worker_timeout_seconds <= 900
    error_message = "interactions_worker_timeout_seconds must be between 10 and 900."
  }
}

variable "interactions_max_receive_count" {
  description = "Deliveries of a deferred interaction to the worker before it goes to the interactions DLQ."
  type        = number
  default     = 3

  validation {
    condition     = var.interactions_max_receive_count >= 1 && var.interactions_max_receive_count <= 1000
    error_message = "interactions_max_receive_count must be between 1 and 1000."
  }
}

variable "interactions_queue_age_alarm_seconds" {
  description = "Alarm when the oldest deferred interaction has waited longer than this (s) for the worker."
  type        = number
  default     = 60
}
