#!/usr/bin/env bash
# Everything the local stack needs, fetched and started: Redis, a Kafka broker, the model, the build.
# Idempotent; the second run takes seconds.
source "$(dirname "$0")/lib/common.sh"
bash "$MS_ROOT/scripts/redis/ensure.sh"
bash "$MS_ROOT/scripts/kafka/start.sh"
bash "$MS_ROOT/scripts/model/fetch.sh" "${EMBEDDING_MODEL_ID:-Xenova/bge-small-en-v1.5}"
log "building"
(cd "$MS_ROOT" && npm run --silent build)
