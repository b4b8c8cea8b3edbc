#!/usr/bin/env bash
# Stops the broker started by start.sh (and only that one). Pass --purge to delete its data too.
source "$(dirname "$0")/../lib/common.sh"
DIR="$MS_RUN/kafka"
stop_pidfile Kafka "$DIR/broker.pid"
[[ "${1:-}" == "--purge" ]] && rm -rf "$DIR/data" && log "Kafka data purged"
exit 0
