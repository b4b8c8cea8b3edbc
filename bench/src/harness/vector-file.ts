/**
 * Vectors handed to a child process (or kept for a later run) as one file of float32 rows: a
 * section's vectors are far too many for one IPC message, and the child reads the file in one go.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `vectors` (all of one dimension) row after row. */
export function writeVectors(file: string, vectors: readonly Float32Array[]): void {
  const dimension = vectors[0]?.length ?? 0;
  const all = new Float32Array(vectors.length * dimension);
  vectors.forEach((v, i) => all.set(v, i * dimension));
  writeFileSync(file, Buffer.from(all.buffer));
}

/** The rows of a file `writeVectors` wrote, each a copy of its own. */
export function readVectors(file: string, dimension: number): Float32Array[] {
  const buffer = readFileSync(file);
  const all = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
  return Array.from({ length: all.length / dimension }, (_, i) =>
    all.slice(i * dimension, (i + 1) * dimension),
  );
}

/** Runs `work` with a fresh temporary folder, removed afterwards whatever happens. */
export async function inTemporaryDir<T>(label: string, work: (dir: string) => Promise<T>) {
  const dir = await mkdtemp(join(tmpdir(), `matchstream-bench-${label}-`));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
