#!/usr/bin/env bash
# LocalStack ready hook: creates EventBot's DynamoDB tables exactly as src/EventStore/DynamoDb/EventBotTables.cs
# defines them (tests/Infrastructure.Tests runs this very script against DynamoDB Local and verifies it).
# Idempotent: a table that already exists is skipped, never altered.
#
#   EVENTBOT_TABLE_PREFIX  table name prefix (default eventbot-)
#   AWS_ENDPOINT_URL       where DynamoDB is (default http://localhost:4566)
#
# Inside LocalStack `awslocal` is on PATH and used; elsewhere plain `aws --endpoint-url`. An explicitly set
# AWS_ENDPOINT_URL wins over awslocal, so running the script against another endpoint never hits LocalStack by accident.
set -euo pipefail

PREFIX="${EVENTBOT_TABLE_PREFIX:-eventbot-}"
EVENTS="${PREFIX}events"
VIEWS="${PREFIX}views"
KEYS="${PREFIX}keys"

if [[ -z "${AWS_ENDPOINT_URL:-}" ]] && command -v awslocal >/dev/null 2>&1; then
  AWS=(awslocal)
elif command -v aws >/dev/null 2>&1; then
  AWS=(aws --endpoint-url "${AWS_ENDPOINT_URL:-http://localhost:4566}")
else
  echo "10-create-tables: neither awslocal nor aws is on PATH (scripts/install-test-tools.sh installs aws)" >&2
  exit 1
fi
export AWS_PAGER=""

log() { echo "10-create-tables: $*" >&2; }

# exists NAME: 0 when the table exists, 1 when DynamoDB says it does not; any other failure (endpoint down,
# credentials) ends the script rather than passing for "missing".
exists() {
  local out
  if out="$("${AWS[@]}" dynamodb describe-table --table-name "$1" 2>&1 >/dev/null)"; then
    return 0
  fi
  if [[ "$out" == *ResourceNotFoundException* ]]; then
    return 1
  fi
  log "describing $1 failed: $out"
  exit 1
}

# create NAME ARGS...: creates unless it exists; a concurrent creator (ResourceInUseException) counts as exists.
create() {
  local name="$1" out
  shift
  if exists "$name"; then
    log "$name exists; skipped"
    return 0
  fi
  if ! out="$("${AWS[@]}" dynamodb create-table --table-name "$name" "$@" 2>&1 >/dev/null)"; then
    if [[ "$out" == *ResourceInUseException* ]]; then
      log "$name was created concurrently; skipped"
      return 0
    fi
    log "creating $name failed: $out"
    return 1
  fi
  "${AWS[@]}" dynamodb wait table-exists --table-name "$name"
  log "$name created"
}

create "$EVENTS" \
  --attribute-definitions \
    AttributeName=stream_id,AttributeType=S \
    AttributeName=version,AttributeType=N \
    AttributeName=guild_category,AttributeType=S \
    AttributeName=recorded_at,AttributeType=S \
  --key-schema AttributeName=stream_id,KeyType=HASH AttributeName=version,KeyType=RANGE \
  --global-secondary-indexes '[{"IndexName":"by_guild","KeySchema":[{"AttributeName":"guild_category","KeyType":"HASH"},{"AttributeName":"recorded_at","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]' \
  --billing-mode PAY_PER_REQUEST \
  --stream-specification StreamEnabled=true,StreamViewType=NEW_IMAGE

# The wrapped data keys of docs/privacy.md: no stream (a destroyed key must not live on in a stream record).
# Sparse indexes by owner and by guild: an erasure finds the keys to destroy with a Query.
create "$KEYS" \
  --attribute-definitions AttributeName=id,AttributeType=S AttributeName=owner,AttributeType=S AttributeName=guild_id,AttributeType=S \
  --key-schema AttributeName=id,KeyType=HASH \
  --global-secondary-indexes '[{"IndexName":"by_owner","KeySchema":[{"AttributeName":"owner","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}},{"IndexName":"by_guild","KeySchema":[{"AttributeName":"guild_id","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]' \
  --billing-mode PAY_PER_REQUEST

# Created last: the compose healthcheck takes the views table as the sign that all exist.
create "$VIEWS" \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST
