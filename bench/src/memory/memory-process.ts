/**
 * Runs the memory section in node processes of their own (started with --expose-gc, so memory is
 * read after full GCs and holds nothing of the caller's): one builds the population, measures it
 * and writes the service's snapshot; a second, fresh one loads that snapshot and measures again.
 * Real vectors, when given, are handed over in a temporary file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureSnapshotLoad, runChurnCheck, runMemoryBuild } from './memory-bench';
import type { MemoryOptions, MemoryRun } from './memory-bench';
import { runNodeChild } from '../harness/node-child';

export type MemoryJob = Omit<MemoryOptions, 'perSide' | 'bases' | 'log' | 'dimension'> & {
  sizes: number[];
  /** Also time loading the service's snapshot in a fresh process. */
  snapshot: boolean;
};

export async function runMemoryInChildProcesses(
  job: MemoryJob,
  bases: readonly Float32Array[] | undefined,
  log: (line: string) => void,
): Promise<MemoryRun[]> {
  const dir = mkdtempSync(join(tmpdir(), 'matchstream-bench-memory-'));
  try {
    const dimension = bases?.[0]?.length ?? 384;
    if (bases?.length) {
      const all = new Float32Array(bases.length * dimension);
      bases.forEach((v, i) => all.set(v, i * dimension));
      writeFileSync(join(dir, 'bases.f32'), Buffer.from(all.buffer));
    }
    const runs: MemoryRun[] = [];
    for (const perSide of job.sizes) {
      log(`memory at ${perSide.toLocaleString('en')} per side…`);
      const options: MemoryOptions = { ...job, perSide, dimension };
      const snapshotDir = join(dir, `snapshot-${perSide}`);
      const built = await child<Awaited<ReturnType<typeof runMemoryBuild>>>(
        {
          phase: 'build',
          options,
          bases: bases?.length ? join(dir, 'bases.f32') : undefined,
          snapshotDir: job.snapshot ? snapshotDir : undefined,
        },
        dir,
        log,
      );
      const { snapshotWrite, ...build } = built;
      let snapshot: MemoryRun['snapshot'] = null;
      if (snapshotWrite) {
        const loaded = await child<Awaited<ReturnType<typeof measureSnapshotLoad>>>(
          { phase: 'load', options, snapshotDir },
          dir,
          log,
        );
        snapshot = {
          bytesOnDisk: snapshotWrite.bytes,
          writeSeconds: snapshotWrite.seconds,
          ...loaded,
        };
        rmSync(snapshotDir, { recursive: true, force: true });
      }
      const churn = job.churnEvents
        ? await child<Awaited<ReturnType<typeof runChurnCheck>>>(
            { phase: 'churn', options, snapshotDir },
            dir,
            log,
          )
        : null;
      runs.push({ ...build, snapshot, churn });
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ChildRequest {
  phase: 'build' | 'load' | 'churn';
  options: MemoryOptions;
  bases?: string;
  snapshotDir?: string;
}

async function child<T>(
  request: ChildRequest,
  dir: string,
  log: (line: string) => void,
): Promise<T> {
  const requestFile = join(dir, `request-${request.phase}.json`);
  const resultFile = join(dir, `result-${request.phase}.json`);
  writeFileSync(requestFile, JSON.stringify(request));
  await runNodeChild(
    `memory ${request.phase}`,
    [
      '--expose-gc',
      // V8's default heap limit (about 4 GiB) is below what a million entities per side need.
      `--max-old-space-size=${Math.floor((totalmem() * 0.75) / 2 ** 20)}`,
      __filename,
      '--request',
      requestFile,
      '--result',
      resultFile,
    ],
    log,
  );
  return JSON.parse(readFileSync(resultFile, 'utf8')) as T;
}

async function serve(request: ChildRequest): Promise<unknown> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { options } = request;
  if (request.phase === 'churn') {
    // A small population: exact rankings, and every event maintained, in seconds.
    return runChurnCheck({
      perSide: 2000,
      warmUp: 10000,
      events: options.churnEvents,
      rounds: 5,
      seed: options.seed,
      topK: options.topK,
      reserve: options.reserve,
      profileTextChars: options.profileTextChars,
      dimension: options.dimension,
    });
  }
  if (request.phase === 'load') {
    return measureSnapshotLoad(request.snapshotDir!, {
      ...options,
      dimension: options.dimension ?? 384,
    });
  }
  let bases: Float32Array[] | undefined;
  if (request.bases) {
    const buffer = readFileSync(request.bases);
    const all = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
    const dimension = options.dimension ?? 384;
    bases = Array.from({ length: all.length / dimension }, (_, i) =>
      all.slice(i * dimension, (i + 1) * dimension),
    );
  }
  return runMemoryBuild({ ...options, bases, log }, request.snapshotDir);
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { request: { type: 'string' }, result: { type: 'string' } },
  });
  const request = JSON.parse(readFileSync(values.request!, 'utf8')) as ChildRequest;
  serve(request).then(
    (result) => {
      writeFileSync(values.result!, JSON.stringify(result));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
