#!/usr/bin/env bash
# Soak run: the whole local stack (Redis, Kafka, model, services as processes) at a steady rate
# for SOAK_MINUTES (default 30), reporting memory, lag and latency over time. Stops what it started.
#   SOAK_MINUTES=5 SOAK_RATE=5 npm run soak
source "$(dirname "$0")/lib/common.sh"
started_kafka=false
port_open "$KAFKA_PORT" || started_kafka=true
bash "$MS_ROOT/scripts/setup.sh"
cleanup() {
  bash "$MS_ROOT/scripts/services.sh" stop
  [[ "$started_kafka" == true ]] && bash "$MS_ROOT/scripts/kafka/stop.sh"
  return 0
}
trap cleanup EXIT
bash "$MS_ROOT/scripts/services.sh" start
node "$MS_ROOT/dist/bench/src/run-soak.js"
