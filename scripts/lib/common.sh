# Shared shell helpers for the local stack. Sourced, never executed.
# Every path lives under the repository's ignored .cache/ (downloads) and .run/ (state, logs).
set -euo pipefail

MS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MS_CACHE="${MS_CACHE_DIR:-$MS_ROOT/.cache}"
MS_RUN="${MS_RUN_DIR:-$MS_ROOT/.run}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
REDIS_PORT="${REDIS_PORT:-6379}"
mkdir -p "$MS_CACHE" "$MS_RUN"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# wait_for DESCRIPTION TIMEOUT_SECONDS COMMAND...: polls COMMAND once a second.
wait_for() {
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
  log "$what is ready"
}

# matching_instances: MATCHING_INSTANCES (default 1), the matching-service processes that
# scripts/services.sh runs; dies unless it is a positive integer.
matching_instances() {
  local n="${MATCHING_INSTANCES:-1}"
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "MATCHING_INSTANCES must be a positive integer (got '$n')"
  echo "$n"
}

# matching_instance_port I: HTTP port of matching instance I (1-based): MATCHING_HTTP_PORT (3002)
# for the first, then steps of 10 (3012, 3022, ...) so that none takes the gateway's 3003.
matching_instance_port() { echo $((${MATCHING_HTTP_PORT:-3002} + 10 * ($1 - 1))); }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# stop_pidfile NAME PIDFILE: SIGTERM the process in PIDFILE (only that one), SIGKILL after 30 s.
stop_pidfile() {
  local name="$1" pidfile="$2" pid
  if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    pid="$(cat "$pidfile")"
    log "stopping $name (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# start_local_stack [--keep-running]: Redis, Kafka, the model and the build, then the services;
# on exit stops the services and the broker if this script started them (unless --keep-running).
start_local_stack() {
  MS_KEEP_RUNNING=false
  [[ "${1:-}" == "--keep-running" ]] && MS_KEEP_RUNNING=true
  MS_STARTED_KAFKA=false
  port_open "$KAFKA_PORT" || MS_STARTED_KAFKA=true
  bash "$MS_ROOT/scripts/setup.sh"
  trap stop_local_stack EXIT
  bash "$MS_ROOT/scripts/services.sh" start
}

stop_local_stack() {
  if [[ "$MS_KEEP_RUNNING" == false ]]; then
    bash "$MS_ROOT/scripts/services.sh" stop
    [[ "$MS_STARTED_KAFKA" == true ]] && bash "$MS_ROOT/scripts/kafka/stop.sh"
  fi
  return 0
}
