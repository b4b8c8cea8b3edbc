/**
 * Runs the memory section in node processes of their own (started with --expose-gc, so memory is
 * read after full GCs and holds nothing of the caller's): one builds the population, measures it
 * and writes the service's snapshot; a second, fresh one loads that snapshot and measures again.
 * Real vectors, when given, are handed over in a temporary file.
 */
import { rm } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { answerParent, runNodeChild } from '../harness/child-process';
import { inTemporaryDir, readVectors, writeVectors } from '../harness/vector-file';
import { measureSnapshotLoad, runChurnCheck, runMemoryBuild } from './memory-bench';
import type { MemoryOptions, MemoryRun } from './memory-bench';

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
  return inTemporaryDir('memory', async (dir) => {
    const dimension = bases?.[0]?.length ?? 384;
    const basesFile = bases?.length ? join(dir, 'bases.f32') : undefined;
    if (basesFile) writeVectors(basesFile, bases!);
    const child = <T>(request: ChildRequest) =>
      runNodeChild<T>(`memory ${request.phase} process`, __filename, {
        execArgv: [
          '--expose-gc',
          // V8's default heap limit (about 4 GiB) is below what a million entities per side need.
          `--max-old-space-size=${Math.floor((totalmem() * 0.75) / 2 ** 20)}`,
        ],
        request,
        log,
      });
    const runs: MemoryRun[] = [];
    for (const perSide of job.sizes) {
      log(`memory at ${perSide.toLocaleString('en')} per side…`);
      const options: MemoryOptions = { ...job, perSide, dimension };
      const snapshotDir = join(dir, `snapshot-${perSide}`);
      const built = await child<Awaited<ReturnType<typeof runMemoryBuild>>>({
        phase: 'build',
        options,
        bases: basesFile,
        snapshotDir: job.snapshot ? snapshotDir : undefined,
      });
      const { snapshotWrite, ...build } = built;
      let snapshot: MemoryRun['snapshot'] = null;
      if (snapshotWrite) {
        const loaded = await child<Awaited<ReturnType<typeof measureSnapshotLoad>>>({
          phase: 'load',
          options,
          snapshotDir,
        });
        snapshot = {
          bytesOnDisk: snapshotWrite.bytes,
          writeSeconds: snapshotWrite.seconds,
          ...loaded,
        };
        await rm(snapshotDir, { recursive: true, force: true });
      }
      const churn = job.churnEvents
        ? await child<Awaited<ReturnType<typeof runChurnCheck>>>({
            phase: 'churn',
            options,
            snapshotDir,
          })
        : null;
      runs.push({ ...build, snapshot, churn });
    }
    return runs;
  });
}

interface ChildRequest {
  phase: 'build' | 'load' | 'churn';
  options: MemoryOptions;
  bases?: string;
  snapshotDir?: string;
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
  const bases = request.bases ? readVectors(request.bases, options.dimension ?? 384) : undefined;
  return runMemoryBuild({ ...options, bases, log }, request.snapshotDir);
}

if (require.main === module) answerParent(serve);
