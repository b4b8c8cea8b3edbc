#!/usr/bin/env bash
# The full test suite: unit specs, then integration and end-to-end suites against a real Kafka
# broker (a fresh one on its own port, so a running demo is untouched), Redis and the model.
source "$(dirname "$0")/lib/common.sh"
export KAFKA_PORT="${TEST_KAFKA_PORT:-19092}" KAFKA_CONTROLLER_PORT="${TEST_KAFKA_CONTROLLER_PORT:-19093}"
export MS_RUN_DIR="$MS_ROOT/.run/test"
export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"

bash "$MS_ROOT/scripts/redis/ensure.sh"
bash "$MS_ROOT/scripts/model/fetch.sh" "${EMBEDDING_MODEL_ID:-Xenova/bge-small-en-v1.5}"
# The live view is tested in a real browser: Debian's Chromium (browser downloads are not possible).
[ -x /usr/bin/chromium ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
MS_RUN_DIR="$MS_RUN_DIR" bash "$MS_ROOT/scripts/kafka/stop.sh" --purge >/dev/null
trap 'MS_RUN_DIR="$MS_RUN_DIR" bash "$MS_ROOT/scripts/kafka/stop.sh" --purge' EXIT
MS_RUN_DIR="$MS_RUN_DIR" bash "$MS_ROOT/scripts/kafka/start.sh"

cd "$MS_ROOT"
npx tsc -p tsconfig.json --noEmit
npm run --silent lint
npx jest --ci --selectProjects unit "$@"
# Fault suites run the services from the build as real processes (to SIGKILL them).
npm run --silent build
npx jest --ci --selectProjects integration --maxWorkers=1 "$@"
log "browser screenshots (CI artefacts): $MS_RUN_DIR/artefacts/"
