#!/usr/bin/env bash
# The scale-out section of the benchmarks alone (bench/src/run-scale-out-bench.ts): the matching
# tier with 1, 2 and 3 instances on the bench's own fresh broker (port 29092, as scripts/bench.sh),
# Redis and the model. Arguments go to the benchmark (npm run bench:scale-out -- --help).
# Results: bench/results/scale-out-<timestamp>.{json,md}.
source "$(dirname "$0")/lib/common.sh"
export KAFKA_PORT="${BENCH_KAFKA_PORT:-29092}" KAFKA_CONTROLLER_PORT="${BENCH_KAFKA_CONTROLLER_PORT:-29093}"
export MS_RUN_DIR="$MS_ROOT/.run/bench"
export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
# The broker's pid, so its CPU is sampled beside the matching instances'.
export BENCH_BROKER_PID_FILE="$MS_RUN_DIR/kafka/broker.pid"

if [[ " $* " == *" --help "* || " $* " == *" -h "* ]]; then
  cd "$MS_ROOT" && npm run --silent build && exec node dist/bench/src/run-scale-out-bench.js --help
fi

bash "$MS_ROOT/scripts/redis/ensure.sh"
bash "$MS_ROOT/scripts/model/fetch.sh" "${EMBEDDING_MODEL_ID:-intfloat/e5-small-v2}"
MS_RUN_DIR="$MS_RUN_DIR" bash "$MS_ROOT/scripts/kafka/stop.sh" --purge >/dev/null
if port_open "$KAFKA_PORT"; then die "port $KAFKA_PORT is taken; set BENCH_KAFKA_PORT to a free one"; fi
trap 'MS_RUN_DIR="$MS_RUN_DIR" bash "$MS_ROOT/scripts/kafka/stop.sh" --purge' EXIT
MS_RUN_DIR="$MS_RUN_DIR" bash "$MS_ROOT/scripts/kafka/start.sh"

cd "$MS_ROOT"
npm run --silent build
node dist/bench/src/run-scale-out-bench.js "$@"
