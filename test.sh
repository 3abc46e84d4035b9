#!/usr/bin/env bash
# The one test command: installs what the tests need, runs every test, and cleans up after itself.
# CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH" >&2
  exit 1
fi

# aws (Debian awscli) when missing, and tools/hcl2json's npm packages for the Terraform checks.
scripts/install-test-tools.sh

dotnet restore EventBot.sln --nologo -v quiet
dotnet build EventBot.sln --no-restore --nologo -v quiet -c Release
dotnet test EventBot.sln --no-build --nologo -c Release --logger "console;verbosity=minimal" "$@"
