#!/usr/bin/env bash
# The one test command: installs what the tests need (Java 17 and DynamoDB Local when missing), starts DynamoDB
# Local on a free port, runs every test, and stops it again. CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH" >&2
  exit 1
fi

scripts/dynamodb-local.sh install
# AWS CLI (for the LocalStack init-script test) and hcl2json (for the Terraform checks).
scripts/install-test-tools.sh
# One DynamoDB Local for the whole run; the test fixtures use it through EVENTBOT_TEST_DYNAMODB_URL.
eval "$(scripts/dynamodb-local.sh start)"
trap 'scripts/dynamodb-local.sh stop' EXIT

dotnet restore EventBot.sln --nologo -v quiet
dotnet build EventBot.sln --no-restore --nologo -v quiet -c Release
# Formatting is part of the contract: a whitespace diff fails the run with the file and line.
dotnet format whitespace EventBot.sln --verify-no-changes
# A hung test fails the run after 5 minutes (with a dump) instead of eating the CI budget.
# One test project at a time (-m:1): timing tests (the Discord gateway runs on an accelerated clock) stay honest on a
# 2-core machine instead of competing with DynamoDB-heavy suites for the CPU.
dotnet test EventBot.sln --no-build --nologo -c Release -m:1 --logger "console;verbosity=minimal" --blame-hang-timeout 5m "$@"
