#!/usr/bin/env bash
# The benchmarks (bench/): the pipeline against its own limits, on a real Kafka broker (a fresh one
# on its own port, so a running demo or test broker is untouched), Redis and the model. Arguments
# go to the benchmark (npm run bench -- --help). Results: bench/results/<timestamp>.{json,md}.
source "$(dirname "$0")/lib/common.sh"
export KAFKA_PORT="${BENCH_KAFKA_PORT:-29092}" KAFKA_CONTROLLER_PORT="${BENCH_KAFKA_CONTROLLER_PORT:-29093}"
export MS_RUN_DIR="$MS_ROOT/.run/bench"
export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
# Which benchmark runs (scripts/bench-scale-out.sh runs one section alone).
ENTRY="${BENCH_ENTRY:-run-bench.js}"
# The broker's pid, so the scale-out section samples its CPU beside the matching instances'.
export BENCH_BROKER_PID_FILE="$MS_RUN_DIR/kafka/broker.pid"

if [[ " $* " == *" --help "* || " $* " == *" -h "* ]]; then
  cd "$MS_ROOT" && npm run --silent build && exec node "dist/bench/src/$ENTRY" --help
fi

bash "$MS_ROOT/scripts/redis/ensure.sh"
bash "$MS_ROOT/scripts/model/fetch.sh" "${EMBEDDING_MODEL_ID:-Xenova/bge-small-en-v1.5}"
MS_RUN_DIR="$MS_RUN_DIR" bash "$MS_ROOT/scripts/kafka/stop.sh" --purge >/dev/null
if port_open "$KAFKA_PORT"; then die "port $KAFKA_PORT is taken; set BENCH_KAFKA_PORT to a free one"; fi
trap 'MS_RUN_DIR="$MS_RUN_DIR" bash "$MS_ROOT/scripts/kafka/stop.sh" --purge' EXIT
MS_RUN_DIR="$MS_RUN_DIR" bash "$MS_ROOT/scripts/kafka/start.sh"

cd "$MS_ROOT"
npm run --silent build
node "dist/bench/src/$ENTRY" "$@"
