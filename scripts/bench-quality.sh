#!/usr/bin/env bash
# Match quality on every labelled dev set found (bench/src/run-quality-bench.ts; QUALITY_DATA_DIRS
# overrides): fetches the models the compared configurations use, builds, ranks, and picks the
# default by the worst ratio to BM25 across sets. Needs no broker or Redis. Arguments go to the
# benchmark (npm run bench:quality -- --help). Results: bench/results/quality-<timestamp>.{json,md}.
source "$(dirname "$0")/lib/common.sh"
for model in Xenova/all-MiniLM-L6-v2 Xenova/bge-small-en-v1.5 intfloat/e5-small-v2; do
  bash "$MS_ROOT/scripts/model/fetch.sh" "$model"
done
cd "$MS_ROOT"
npm run --silent build
exec node dist/bench/src/run-quality-bench.js "$@"
