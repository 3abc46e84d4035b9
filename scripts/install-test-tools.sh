#!/usr/bin/env bash
# Installs what tests/Infrastructure.Tests needs besides DynamoDB Local (scripts/dynamodb-local.sh install does that):
#   - the AWS CLI (Debian's awscli), only when `aws` is not on PATH: the LocalStack init script test runs it;
#   - tools/hcl2json's npm packages, only when node_modules is missing: the Terraform checks read HCL through it.
# Safe to run again: it does nothing when both are there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "install-test-tools: $*" >&2; }

if ! command -v aws >/dev/null 2>&1; then
  log "aws not found; installing Debian awscli"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y awscli
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "node and npm are required (Debian: apt-get install nodejs npm)"
  exit 1
fi

HCL="$ROOT/tools/hcl2json"
if [[ ! -d "$HCL/node_modules/@cdktf/hcl2json" ]]; then
  log "installing tools/hcl2json"
  (cd "$HCL" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; })
fi

log "ready: $(aws --version 2>&1 | head -n1); node $(node --version); hcl2json $(node -p "require('$HCL/node_modules/@cdktf/hcl2json/package.json').version")"
