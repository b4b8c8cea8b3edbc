#!/usr/bin/env bash
# The scale-out section of the benchmarks alone (bench/src/run-scale-out-bench.ts): the matching
# tier with 1, 2 and 3 instances on the bench's own fresh broker (port 29092, as scripts/bench.sh),
# Redis and the model. Arguments go to the benchmark (npm run bench:scale-out -- --help).
# Results: bench/results/scale-out-<timestamp>.{json,md}.
BENCH_ENTRY=run-scale-out-bench.js exec bash "$(dirname "$0")/bench.sh" "$@"
