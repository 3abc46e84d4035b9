#!/usr/bin/env bash
# The one test command: installs what the tests need (Java 17 and DynamoDB Local when missing), starts DynamoDB
# Local on a free port, runs every test, and stops it again. CI (.ci/run) calls exactly this.
#
#   ./test.sh            the whole suite
#   ./test.sh --stress   the same with every core kept busy by a CPU hog (one `yes > /dev/null` per core, stopped on
#                        exit): timing tests must pass on a loaded machine too
#   other arguments go to `dotnet test` (e.g. --filter …)
set -euo pipefail
cd "$(dirname "$0")"

stress=false
args=()
for arg in "$@"; do
  if [[ $arg == --stress ]]; then stress=true; else args+=("$arg"); fi
done
hogs=()
cleanup() {
  for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done
  scripts/dynamodb-local.sh stop
}
# Snapshooter: a test whose snapshot file is missing fails instead of writing one (a new snapshot is made locally,
# reviewed and committed on purpose).
export SNAPSHOOTER_STRICT_MODE=on

if ! command -v dotnet >/dev/null; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH" >&2
  exit 1
fi

scripts/dynamodb-local.sh install
# AWS CLI (for the LocalStack init-script test) and hcl2json (for the Terraform checks).
scripts/install-test-tools.sh
# One DynamoDB Local for the whole run; the test fixtures use it through EVENTBOT_TEST_DYNAMODB_URL.
eval "$(scripts/dynamodb-local.sh start)"
trap cleanup EXIT

dotnet restore EventBot.sln --nologo -v quiet
dotnet build EventBot.sln --no-restore --nologo -v quiet -c Release
# Formatting is part of the contract: a whitespace diff fails the run with the file and line.
dotnet format whitespace EventBot.sln --verify-no-changes
# A hung test fails the run after 5 minutes (with a dump) instead of eating the CI budget.
# One test project at a time (-m:1): timing tests (the Discord gateway runs on an accelerated clock) stay honest on a
# 2-core machine instead of competing with DynamoDB-heavy suites for the CPU.
if $stress; then
  for _ in $(seq "$(nproc)"); do
    yes > /dev/null &
    hogs+=($!)
  done
  echo "test.sh: --stress: ${#hogs[@]} CPU hog(s) running (pids ${hogs[*]})" >&2
fi
dotnet test EventBot.sln --no-build --nologo -c Release -m:1 --logger "console;verbosity=minimal" --blame-hang-timeout 5m ${args[@]+"${args[@]}"}
