#!/usr/bin/env bash
# Stops the Prometheus started by start.sh (and only that one). Pass --purge to delete its data too.
source "$(dirname "$0")/../lib/common.sh"
DIR="$MS_RUN/prometheus"
PIDFILE="$DIR/prometheus.pid"
if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  pid="$(cat "$PIDFILE")"
  log "stopping Prometheus (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -9 "$pid" 2>/dev/null || true
fi
rm -f "$PIDFILE"
[[ "${1:-}" == "--purge" ]] && rm -rf "$DIR/data" && log "Prometheus data purged"
exit 0
