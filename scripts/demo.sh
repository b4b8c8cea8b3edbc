#!/usr/bin/env bash
# The whole pipeline locally on the built-in sample: Redis, Kafka, the model, the services; then
# publishes sample profiles and jobs and prints the matches. Stops what it started unless
# --keep-running is given (then: scripts/services.sh stop; scripts/kafka/stop.sh).
source "$(dirname "$0")/lib/common.sh"
start_local_stack "${1:-}"
node "$MS_ROOT/dist/scripts/demo/run-demo.js"
if [[ "$MS_KEEP_RUNNING" == true ]]; then
  log "services keep running: live view http://127.0.0.1:3003/live, matches http://127.0.0.1:3002/v1/matches/jobs/job-ml-platform, metrics on :3001-:3003/metrics"
fi
