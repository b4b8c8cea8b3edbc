/**
 * Runs the search section in a child process of its own, so that its memory figures (process RSS
 * and V8 heap growth per vector) are not mixed up with the in-process services' allocations and
 * its long synchronous builds never hold up their event loop. The parent hands over the real
 * vectors and the queries in a temporary file and gets the results back over IPC.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

type Reply = { ok: true; result: SearchJobResult } | { ok: false; error: string };

/** Runs `job` in a fresh node process (with --expose-gc) and returns its results. */
export async function runSearchInChildProcess(
  job: SearchJob,
  bases: readonly Float32Array[],
  queries: readonly Float32Array[],
): Promise<SearchJobResult> {
  const dimension = bases[0].length;
  const dir = mkdtempSync(join(tmpdir(), 'matchstream-bench-search-'));
  const file = join(dir, 'vectors.f32');
  try {
    const all = new Float32Array((bases.length + queries.length) * dimension);
    [...bases, ...queries].forEach((v, i) => all.set(v, i * dimension));
    writeFileSync(file, Buffer.from(all.buffer));
    const child = fork(__filename, [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const reply = await new Promise<Reply>((resolve, reject) => {
      let answer: Reply | null = null;
      child.once('message', (message: Reply) => (answer = message));
      child.once('error', reject);
      child.once('exit', (code) =>
        answer ? resolve(answer) : reject(new Error(`search process exited with ${code}`)),
      );
      const request: Request = {
        job,
        file,
        dimension,
        bases: bases.length,
        queries: queries.length,
      };
      child.send(request);
    });
    if (!reply.ok) throw new Error(`search process failed: ${reply.error}`);
    return reply.result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function serve(request: Request): Promise<SearchJobResult> {
  const { job, dimension } = request;
  const raw = readFileSync(request.file);
  const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const vector = (i: number) => all.slice(i * dimension, (i + 1) * dimension);
  const bases = Array.from({ length: request.bases }, (_, i) => vector(i));
  const queries = Array.from({ length: request.queries }, (_, i) => vector(request.bases + i));
  const log = (line: string) => {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  };

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

if (require.main === module && process.send) {
  process.once('message', (request: Request) => {
    serve(request).then(
      (result) => process.send?.({ ok: true, result } satisfies Reply, () => process.exit(0)),
      (error: unknown) =>
        process.send?.({ ok: false, error: String(error) } satisfies Reply, () => process.exit(1)),
    );
  });
}
