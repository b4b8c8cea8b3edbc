/**
 * Runs the search section in a child process of its own, so that its memory figures (process RSS
 * and V8 heap growth per vector) are not mixed up with the in-process services' allocations and
 * its long synchronous builds never hold up their event loop. The parent hands over the real
 * vectors and the queries in a temporary file and gets the results back over IPC.
 */
import { join } from 'node:path';
import { answerParent, runNodeChild } from '../harness/child-process';
import { stampedLog } from '../harness/cli';
import { inTemporaryDir, readVectors, writeVectors } from '../harness/vector-file';
import { hnswLatency, runSearch, settleMemory } from './search-bench';
import type { HnswParams, SearchRunResult } from './search-bench';
import type { Summary } from '../harness/stats';
import type { NoiseModel } from '../load/synthetic-vectors';

export interface SearchJob {
  sizes: number[];
  k: number;
  hnsw: HnswParams;
  /** Exact queries per size: all of them up to this size, then `exactQueriesLarge`. */
  exactQueriesUpTo: number;
  exactQueriesLarge: number;
  seed: number;
  noise: NoiseModel;
  sigma: number;
  /** k of the latency probe over the real vectors alone (the service's candidate pool). */
  serviceK: number;
}

export interface SearchJobResult {
  runs: SearchRunResult[];
  serviceIndex: { size: number; k: number; ms: Summary };
}

interface Request {
  job: SearchJob;
  file: string;
  dimension: number;
  bases: number;
  queries: number;
}

/** Runs `job` in a fresh node process (with --expose-gc) and returns its results. */
export async function runSearchInChildProcess(
  job: SearchJob,
  bases: readonly Float32Array[],
  queries: readonly Float32Array[],
): Promise<SearchJobResult> {
  return inTemporaryDir('search', async (dir) => {
    const file = join(dir, 'vectors.f32');
    writeVectors(file, [...bases, ...queries]);
    const request: Request = {
      job,
      file,
      dimension: bases[0].length,
      bases: bases.length,
      queries: queries.length,
    };
    return runNodeChild<SearchJobResult>('search process', __filename, {
      execArgv: ['--expose-gc'],
      request,
    });
  });
}

async function serve(request: Request): Promise<SearchJobResult> {
  const { job } = request;
  const vectors = readVectors(request.file, request.dimension);
  const bases = vectors.slice(0, request.bases);
  const queries = vectors.slice(request.bases, request.bases + request.queries);
  const log = stampedLog('bench');

  const runs: SearchRunResult[] = [];
  for (const size of job.sizes) {
    log(`  N = ${size}`);
    const result = await runSearch(bases, {
      size,
      k: job.k,
      hnsw: job.hnsw,
      queries,
      exactQueries: size <= job.exactQueriesUpTo ? queries.length : job.exactQueriesLarge,
      seed: job.seed,
      noise: job.noise,
      sigma: job.sigma,
      log,
    });
    log(
      `    recall ${result.recall.toFixed(4)}, HNSW p50 ${result.hnswMs.p50.toFixed(3)} ms, ` +
        `exact p50 ${result.exactMs.p50.toFixed(1)} ms, ${result.speedup.toFixed(0)}x, ` +
        `build ${result.buildRate.toFixed(0)}/s`,
    );
    runs.push(result);
    await settleMemory();
  }
  return {
    runs,
    serviceIndex: {
      size: bases.length,
      k: job.serviceK,
      ms: hnswLatency(bases, queries, job.serviceK, job.hnsw),
    },
  };
}

if (require.main === module) answerParent(serve);
