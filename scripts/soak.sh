#!/usr/bin/env bash
# Soak run: the whole local stack (Redis, Kafka, model, services as processes) at a steady rate
# for SOAK_MINUTES (default 30), reporting memory, lag and latency over time. Stops what it started.
# Its broker state lives in .run/soak and is purged afterwards, so soak data never reaches the demo.
#   SOAK_MINUTES=5 SOAK_RATE=5 npm run soak                      every event a new entity (growth)
#   SOAK_WORKLOAD=churn SOAK_POPULATION=2000 npm run soak        updates and removals over a fixed
#                                                                population: memory must stay flat
# Beside a running demo: KAFKA_PORT/KAFKA_CONTROLLER_PORT and *_HTTP_PORT select other ports.
export MS_RUN_DIR="${MS_RUN_DIR:-$(cd "$(dirname "$0")/.." && pwd)/.run/soak}"
export MATCHING_SNAPSHOT_DIR="$MS_RUN_DIR/snapshots" REDIS_KEY_PREFIX="${REDIS_KEY_PREFIX:-soak:}"
source "$(dirname "$0")/lib/common.sh"
# The services and the soak publisher reach the broker this script starts, whatever its port.
export KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
port_open "$KAFKA_PORT" && die "a broker already answers on $KAFKA_PORT (a demo?): stop it, or set KAFKA_PORT"
start_local_stack
trap 'stop_local_stack; bash "$MS_ROOT/scripts/kafka/stop.sh" --purge >/dev/null; rm -rf "$MATCHING_SNAPSHOT_DIR"' EXIT
node "$MS_ROOT/dist/bench/src/run-soak.js"
