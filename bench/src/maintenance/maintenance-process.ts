/**
 * Runs the ranking maintenance section in a node process of its own (its memory and its long
 * synchronous seeding stay out of the benchmark's process), growing its populations from the
 * real vectors handed over in a temporary file.
 */
import { join } from 'node:path';
import { answerParent, runNodeChild } from '../harness/child-process';
import { inTemporaryDir, readVectors, writeVectors } from '../harness/vector-file';
import { runMaintenanceSizes } from './maintenance-bench';
import type { MaintenanceRun } from './maintenance-bench';

interface MaintenanceJob {
  sizes: number[];
  events: number;
  seed: number;
}

interface Request extends MaintenanceJob {
  bases: string;
  dimension: number;
}

export async function runMaintenanceInChildProcess(
  job: MaintenanceJob,
  bases: readonly Float32Array[],
  log: (line: string) => void,
): Promise<MaintenanceRun[]> {
  return inTemporaryDir('maintenance', async (dir) => {
    const request: Request = { ...job, bases: join(dir, 'bases.f32'), dimension: bases[0].length };
    writeVectors(request.bases, bases);
    return runNodeChild<MaintenanceRun[]>('maintenance process', __filename, { request, log });
  });
}

function serve(request: Request): Promise<MaintenanceRun[]> {
  const { sizes, dimension } = request;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const bases = readVectors(request.bases, dimension);
  // MATCH_TOP_K and MATCH_RANKING_RESERVE at their defaults, as `npm run bench:maintenance` runs.
  const options = { events: request.events, seed: request.seed, topK: 10, reserve: 10 };
  return Promise.resolve(runMaintenanceSizes(sizes, { ...options, bases, dimension, log }));
}

if (require.main === module) answerParent(serve);
