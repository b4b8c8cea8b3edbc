import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * The files of an index snapshot: the native index file and a manifest of our own (hnswlib saves
 * neither the space, the dimension, the id mapping nor a checksum, and writes its file in place),
 * how they are committed (temporary file, fsync, digest, rename, manifest last) and how a manifest
 * is checked before anything is loaded. HnswVectorIndex.saveSnapshot/loadSnapshot use them.
 */

export const MANIFEST_FILE = 'manifest.json';
export const FORMAT_VERSION = 1;
export const SPACE = 'cosine';
/** hnswlib-node labels are uint32. */
export const MAX_LABELS = 2 ** 32;

export interface Manifest {
  formatVersion: number;
  space: string;
  dimension: number;
  capacity: number;
  elementCount: number;
  indexFile: string;
  indexSha256: string;
  indexBytes: number;
  createdAt: string;
  entries: Array<[string, number]>;
  freeLabels: number[];
  deletedLabels: number[];
  meta: Record<string, unknown>;
}

export interface PreparedSnapshot {
  dir: string;
  stamp: string;
  indexFile: string;
  tmpIndexPath: string;
  manifest: Omit<Manifest, 'indexSha256' | 'indexBytes'>;
}

export interface FileDigest {
  sha256: string;
  bytes: number;
}

export async function commitSnapshot(prepared: PreparedSnapshot): Promise<void> {
  const { dir, stamp, indexFile, tmpIndexPath } = prepared;
  const tmpManifestPath = join(dir, `${MANIFEST_FILE}.${stamp}.tmp`);
  try {
    await fsyncPath(tmpIndexPath);
    const digest = await digestFile(tmpIndexPath);
    await rename(tmpIndexPath, join(dir, indexFile));
    const manifest: Manifest = {
      ...prepared.manifest,
      indexSha256: digest.sha256,
      indexBytes: digest.bytes,
    };
    const handle = await open(tmpManifestPath, 'w');
    try {
      await handle.writeFile(JSON.stringify(manifest));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmpManifestPath, join(dir, MANIFEST_FILE));
    await fsyncDirectory(dir);
  } catch (error) {
    await Promise.all([
      rm(tmpIndexPath, { force: true }),
      rm(tmpManifestPath, { force: true }),
    ]).catch(() => undefined);
    throw error;
  }
  await removeStaleIndexFiles(dir, indexFile);
}

/** Best effort: a leftover file wastes disk but never breaks a load, the manifest names its file. */
async function removeStaleIndexFiles(dir: string, keep: string): Promise<void> {
  try {
    const names = await readdir(dir);
    const stale = names.filter((n) => /^index-.+\.hnsw$/.test(n) && n !== keep);
    await Promise.all(stale.map((n) => rm(join(dir, n), { force: true })));
  } catch {
    // Cleanup failure must not fail a snapshot that is already committed.
  }
}

export async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the renames durable; not every platform can fsync a directory, hence best effort. */
async function fsyncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the rename is then up to the filesystem; the data files are synced.
  }
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object' || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Validates everything loadSnapshot relies on, so a bad manifest fails here and not later. */
export function parseManifest(raw: string, path: string): Manifest {
  const fail = (problem: string): never => {
    throw new Error(`snapshot manifest ${path} is invalid: ${problem}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return fail(`not JSON (${asError(error).message})`);
  }
  const parsed = json;
  if (!isRecord(parsed)) return fail('not an object');

  const int = (key: string, min: number): number => {
    const value = parsed[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      return fail(`${key} must be an integer >= ${min}`);
    }
    return value;
  };
  const str = (key: string): string => {
    const value = parsed[key];
    return typeof value === 'string' ? value : fail(`${key} must be a string`);
  };
  const labels = (key: string): number[] => {
    const value = parsed[key];
    if (!Array.isArray(value) || !value.every(isLabel)) {
      return fail(`${key} must be an array of labels`);
    }
    return value;
  };

  const formatVersion = int('formatVersion', 1);
  if (formatVersion !== FORMAT_VERSION) {
    fail(`format version ${formatVersion} is not supported (expected ${FORMAT_VERSION})`);
  }
  const space = str('space');
  if (space !== SPACE) fail(`space '${space}' is not supported (expected '${SPACE}')`);
  const indexFile = str('indexFile');
  if (basename(indexFile) !== indexFile || !indexFile.startsWith('index-')) {
    fail(`indexFile '${indexFile}' must be a file name inside the snapshot directory`);
  }
  const indexSha256 = str('indexSha256');
  if (!/^[0-9a-f]{64}$/.test(indexSha256)) fail('indexSha256 must be a hex sha256');
  const meta = parsed.meta;
  if (!isRecord(meta)) return fail('meta must be an object');

  const rawEntries = parsed.entries;
  if (!Array.isArray(rawEntries)) return fail('entries must be an array');
  const entries: Array<[string, number]> = [];
  for (const entry of rawEntries as unknown[]) {
    if (
      !Array.isArray(entry) ||
      entry.length !== 2 ||
      typeof entry[0] !== 'string' ||
      entry[0].length === 0 ||
      !isLabel(entry[1])
    ) {
      return fail('entries must be [id, label] pairs');
    }
    entries.push([entry[0], entry[1]]);
  }

  const manifest: Manifest = {
    formatVersion,
    space,
    dimension: int('dimension', 1),
    capacity: int('capacity', 1),
    elementCount: int('elementCount', 0),
    indexFile,
    indexSha256,
    indexBytes: int('indexBytes', 0),
    createdAt: str('createdAt'),
    entries,
    freeLabels: labels('freeLabels'),
    deletedLabels: labels('deletedLabels'),
    meta,
  };

  // Every label below elementCount must be exactly one of: live (one id) or free.
  if (manifest.elementCount > manifest.capacity) fail('elementCount exceeds capacity');
  const seen = new Uint8Array(manifest.elementCount);
  const ids = new Set<string>();
  const claim = (label: number, what: string): void => {
    if (label >= manifest.elementCount) fail(`${what} label ${label} is beyond elementCount`);
    if (seen[label] !== 0) fail(`label ${label} is used twice`);
    seen[label] = 1;
  };
  for (const [id, label] of manifest.entries) {
    if (ids.has(id)) fail(`id '${id}' appears twice`);
    ids.add(id);
    claim(label, 'entry');
  }
  for (const label of manifest.freeLabels) claim(label, 'free');
  if (manifest.entries.length + manifest.freeLabels.length !== manifest.elementCount) {
    fail('live and free labels do not cover elementCount');
  }
  const free = new Set(manifest.freeLabels);
  if (
    manifest.deletedLabels.length !== free.size ||
    !manifest.deletedLabels.every((label) => free.has(label))
  ) {
    fail('deletedLabels must equal freeLabels in format version 1');
  }
  return manifest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isLabel(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < MAX_LABELS;
}
