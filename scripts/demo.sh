#!/usr/bin/env bash
# The whole pipeline locally on the built-in sample: Redis, Kafka, the model, both services; then
# publishes sample profiles and jobs and prints the matches. Stops what it started unless
# --keep-running is given (then: scripts/services.sh stop; scripts/kafka/stop.sh).
source "$(dirname "$0")/lib/common.sh"
KEEP=false
[[ "${1:-}" == "--keep-running" ]] && KEEP=true

started_kafka=false
port_open "$KAFKA_PORT" || started_kafka=true
bash "$MS_ROOT/scripts/setup.sh"

cleanup() {
  if [[ "$KEEP" == false ]]; then
    bash "$MS_ROOT/scripts/services.sh" stop
    [[ "$started_kafka" == true ]] && bash "$MS_ROOT/scripts/kafka/stop.sh"
  fi
  return 0
}
trap cleanup EXIT
bash "$MS_ROOT/scripts/services.sh" start
node "$MS_ROOT/dist/scripts/demo/run-demo.js"
if [[ "$KEEP" == true ]]; then
  log "services keep running: live view http://127.0.0.1:3003/live, matches http://127.0.0.1:3002/v1/matches/jobs/job-ml-platform, metrics on :3001-:3003/metrics"
fi
