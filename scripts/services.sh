#!/usr/bin/env bash
# Starts or stops the services as background processes (logs in .run/logs).
# Usage: services.sh start|stop|status
source "$(dirname "$0")/lib/common.sh"
LOGS="$MS_RUN/logs"; mkdir -p "$LOGS"
SERVICES=(embedding-service matching-service gateway)
declare -A PORTS=([embedding-service]="${EMBEDDING_HTTP_PORT:-3001}" [matching-service]="${MATCHING_HTTP_PORT:-3002}" [gateway]="${GATEWAY_HTTP_PORT:-3003}")

ready() { curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1; }

start() {
  for s in "${SERVICES[@]}"; do
    local pidfile="$MS_RUN/$s.pid"
    if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then log "$s already running"; continue; fi
    if ready "${PORTS[$s]}"; then die "port ${PORTS[$s]} already serves something else: stop it first"; fi
    [[ -f "$MS_ROOT/dist/apps/$s/src/main.js" ]] || die "$s is not built: run npm run build"
    # The pid of node itself (not of a wrapping subshell), so that stop signals the service.
    (cd "$MS_ROOT" && { nohup node "dist/apps/$s/src/main.js" >"$LOGS/$s.log" 2>&1 & echo $! >"$pidfile"; })
  done
  for s in "${SERVICES[@]}"; do
    wait_for "$s (:${PORTS[$s]})" 120 ready "${PORTS[$s]}" || { tail -20 "$LOGS/$s.log" >&2; die "$s did not become ready (log: $LOGS/$s.log)"; }
  done
}

stop() {
  # SIGTERM is a graceful stop: finish in-flight work, commit, snapshot, leave the group.
  for s in "${SERVICES[@]}"; do stop_pidfile "$s" "$MS_RUN/$s.pid"; done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) for s in "${SERVICES[@]}"; do printf '%s: ' "$s"; curl -fsS "http://127.0.0.1:${PORTS[$s]}/health" || echo down; echo; done ;;
  *) die "usage: services.sh start|stop|status" ;;
esac
