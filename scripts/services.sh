#!/usr/bin/env bash
# Starts or stops the services as background processes (logs in .run/logs).
# Usage: services.sh start|stop|status
# MATCHING_INSTANCES=N (default 1) runs N matching-service instances: instance i is
# MATCHING_INSTANCE_ID=matching-<i> on port MATCHING_HTTP_PORT+10*(i-1) (3002, 3012, 3022, ...:
# +1 would take the gateway's 3003) with its own snapshot folder
# (<MATCHING_SNAPSHOT_DIR, default .run/snapshots>/matching-<i>), pid file and log
# (.run/logs/matching-service-<i>.log). With 1, the instance is started as before: no id set
# (the service defaults to the hostname), port MATCHING_HTTP_PORT, its usual snapshot folder.
# stop and status also cover instances left from a start with another N.
source "$(dirname "$0")/lib/common.sh"
LOGS="$MS_RUN/logs"; mkdir -p "$LOGS"
MATCHING_INSTANCES="$(matching_instances)"

# One unit per process: its app (dist/apps/<app>), its port and, for matching-service-<i>, i.
UNITS=(embedding-service)
declare -A APP=([embedding-service]=embedding-service [gateway]=gateway)
declare -A PORTS=([embedding-service]="${EMBEDDING_HTTP_PORT:-3001}" [gateway]="${GATEWAY_HTTP_PORT:-3003}")
declare -A INSTANCE=() # matching-service-<i> -> i (only when MATCHING_INSTANCES > 1)
if ((MATCHING_INSTANCES == 1)); then
  UNITS+=(matching-service)
  APP[matching-service]=matching-service; PORTS[matching-service]="$(matching_instance_port 1)"
else
  for ((i = 1; i <= MATCHING_INSTANCES; i++)); do
    UNITS+=("matching-service-$i")
    APP[matching-service-$i]=matching-service
    PORTS[matching-service-$i]="$(matching_instance_port "$i")"
    INSTANCE[matching-service-$i]=$i
  done
fi
UNITS+=(gateway)
declare -A UNIT_ON_PORT=()
for u in "${UNITS[@]}"; do
  p="${PORTS[$u]}"
  [[ -z "${UNIT_ON_PORT[$p]:-}" ]] || die "$u and ${UNIT_ON_PORT[$p]} would both listen on port $p: set the *_HTTP_PORT variables apart"
  UNIT_ON_PORT[$p]="$u"
done

ready() { curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1; }
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Pid files of matching instances that are not units of this run (an earlier, different N), into
# the array OTHERS.
find_other_matching_pidfiles() {
  local f
  OTHERS=()
  for f in "$MS_RUN"/matching-service.pid "$MS_RUN"/matching-service-*.pid; do
    [[ -f "$f" && -z "${APP[$(basename "$f" .pid)]:-}" ]] && OTHERS+=("$f")
  done
  return 0
}

# The environment that makes a unit the instance it is (empty for all but matching-service-<i>).
unit_env() {
  local i="${INSTANCE[$1]:-}"
  [[ -n "$i" ]] || return 0
  printf '%s\0' "MATCHING_INSTANCE_ID=matching-$i" "MATCHING_HTTP_PORT=${PORTS[$1]}" \
    "MATCHING_SNAPSHOT_DIR=${MATCHING_SNAPSHOT_DIR:-$MS_RUN/snapshots}/matching-$i"
}

start() {
  local f env
  find_other_matching_pidfiles
  for f in "${OTHERS[@]}"; do
    alive "$f" && die "$(basename "$f" .pid) is running from an earlier start with another MATCHING_INSTANCES: run services.sh stop first"
  done
  for u in "${UNITS[@]}"; do
    local pidfile="$MS_RUN/$u.pid"
    if alive "$pidfile"; then log "$u already running"; continue; fi
    if ready "${PORTS[$u]}"; then die "port ${PORTS[$u]} already serves something else: stop it first"; fi
    [[ -f "$MS_ROOT/dist/apps/${APP[$u]}/src/main.js" ]] || die "${APP[$u]} is not built: run npm run build"
    mapfile -d '' -t env < <(unit_env "$u")
    # The pid of node itself (nohup and env exec it; no wrapping subshell), so that stop signals
    # the service.
    (cd "$MS_ROOT" && { nohup env "${env[@]}" node "dist/apps/${APP[$u]}/src/main.js" >"$LOGS/$u.log" 2>&1 & echo $! >"$pidfile"; })
  done
  for u in "${UNITS[@]}"; do
    wait_for "$u (:${PORTS[$u]})" 120 ready "${PORTS[$u]}" || { tail -20 "$LOGS/$u.log" >&2; die "$u did not become ready (log: $LOGS/$u.log)"; }
  done
}

stop() {
  # SIGTERM is a graceful stop: finish in-flight work, commit, snapshot, leave the group.
  # Every matching instance with a pid file is stopped, whatever MATCHING_INSTANCES started it, and
  # all at once: one by one, each would hand its partitions over to the next about to stop.
  local u f pids=() matching=()
  find_other_matching_pidfiles
  for u in "${UNITS[@]}"; do [[ "${APP[$u]}" == matching-service ]] && matching+=("$MS_RUN/$u.pid"); done
  stop_pidfile embedding-service "$MS_RUN/embedding-service.pid"
  for f in "${matching[@]}" "${OTHERS[@]}"; do stop_pidfile "$(basename "$f" .pid)" "$f" & pids+=($!); done
  for f in "${pids[@]}"; do wait "$f"; done
  stop_pidfile gateway "$MS_RUN/gateway.pid"
}

status() {
  local f
  for u in "${UNITS[@]}"; do printf '%s: ' "$u"; curl -fsS "http://127.0.0.1:${PORTS[$u]}/health" || echo down; echo; done
  find_other_matching_pidfiles
  for f in "${OTHERS[@]}"; do
    alive "$f" && echo "$(basename "$f" .pid): running (pid $(cat "$f")) from a start with another MATCHING_INSTANCES"
  done
  return 0
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: services.sh start|stop|status" ;;
esac
