/**
 * Runs the ranking maintenance section in a node process of its own (its memory and its long
 * synchronous seeding stay out of the benchmark's process), growing its populations from the
 * real vectors handed over in a temporary file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MaintenanceRun } from './maintenance-bench';
import { runNodeChild } from '../harness/node-child';

export async function runMaintenanceInChildProcess(
  job: { sizes: number[]; events: number; seed: number },
  bases: readonly Float32Array[],
  log: (line: string) => void,
): Promise<MaintenanceRun[]> {
  const dir = mkdtempSync(join(tmpdir(), 'matchstream-bench-maintenance-'));
  try {
    const dimension = bases[0].length;
    const all = new Float32Array(bases.length * dimension);
    bases.forEach((v, i) => all.set(v, i * dimension));
    writeFileSync(join(dir, 'bases.f32'), Buffer.from(all.buffer));
    await runNodeChild(
      'maintenance',
      [
        join(__dirname, '..', 'run-maintenance-bench.js'),
        '--sizes',
        job.sizes.join(','),
        '--events',
        String(job.events),
        '--seed',
        String(job.seed),
        '--bases',
        join(dir, 'bases.f32'),
        '--dimension',
        String(dimension),
        '--json',
        join(dir, 'runs.json'),
      ],
      log,
    );
    return JSON.parse(readFileSync(join(dir, 'runs.json'), 'utf8')) as MaintenanceRun[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
