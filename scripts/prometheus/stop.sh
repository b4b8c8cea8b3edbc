#!/usr/bin/env bash
# Stops the Prometheus started by start.sh (and only that one). Pass --purge to delete its data too.
source "$(dirname "$0")/../lib/common.sh"
DIR="$MS_RUN/prometheus"
stop_pidfile Prometheus "$DIR/prometheus.pid"
[[ "${1:-}" == "--purge" ]] && rm -rf "$DIR/data" && log "Prometheus data purged"
exit 0
