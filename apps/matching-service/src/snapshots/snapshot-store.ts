import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Names the snapshot in force; replaced by a rename, so it is either the old name or the new. */
export const LATEST_FILE = 'LATEST';
/** Per-file sizes and sha256 of a snapshot folder: written last, so it only exists once all is. */
export const CHECKSUMS_FILE = 'checksums.json';
export const CHECKSUMS_FORMAT = 1;
const SNAPSHOT_NAME = /^snapshot-(\d+)-(\d+)$/;

/** Why a snapshot was set aside: the suffix of its quarantined folder and a metric label. */
export type RejectionReason =
  | 'missing'
  | 'no-checksums'
  | 'bad-checksums'
  | 'missing-file'
  | 'checksum'
  | 'format'
  | 'unparseable'
  | 'index-mismatch'
  | 'unreadable';

export class SnapshotRejected extends Error {
  constructor(
    readonly reason: RejectionReason,
    detail: string,
  ) {
    super(detail);
  }
}

export interface FileChecksum {
  /** Relative to the snapshot folder, with forward slashes. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface SnapshotChecksums {
  format: typeof CHECKSUMS_FORMAT;
  createdAt: string;
  files: FileChecksum[];
}

/**
 * The file operations the snapshot writer goes through, so that a test can make them fail as a
 * full disk does where no small filesystem can be mounted. Reads need no such seam.
 */
export interface SnapshotFs {
  mkdir(path: string): Promise<void>;
  /** Writes and fsyncs the file. */
  writeFile(path: string, data: string | Buffer): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string): Promise<void>;
  syncDirectory(path: string): Promise<void>;
}

export const nodeSnapshotFs: SnapshotFs = {
  mkdir: async (path) => {
    await fsp.mkdir(path, { recursive: true });
  },
  writeFile: async (path, data) => {
    const handle = await fsp.open(path, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fsp.rename(from, to),
  rm: (path) => fsp.rm(path, { recursive: true, force: true }),
  syncDirectory: async (path) => {
    const handle = await fsp.open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/**
 * A filesystem of `capacityBytes` under `root`: a write that would take the files under `root`
 * beyond it fails with ENOSPC, as on a full disk. Files written around this layer (the native
 * index writer) count too, as they take the same room.
 */
export function capacityLimitedFs(
  root: string,
  capacityBytes: number,
  inner: SnapshotFs = nodeSnapshotFs,
): SnapshotFs {
  return {
    ...inner,
    writeFile: async (path, data) => {
      const used = await bytesUnder(root);
      const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      if (used + size > capacityBytes) {
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), {
          code: 'ENOSPC',
        });
      }
      await inner.writeFile(path, data);
    },
  };
}

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const file of await filesUnder(dir).catch(() => [])) {
    total += (await fsp.stat(file).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

export async function digestFile(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * The error to report for a failed snapshot write: the folder's own state when the error does not
 * say it (Node's recursive mkdir reports a read-only filesystem as ENOENT, the native index writer
 * gives no code at all).
 */
export async function explainWriteFailure(root: string, error: unknown): Promise<unknown> {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EROFS' || code === 'EDQUOT') return error;
  try {
    await fsp.access(root, constants.W_OK);
    return error;
  } catch (probe) {
    const { code: probeCode, message } = probe as NodeJS.ErrnoException;
    return Object.assign(new Error(`${message} (the write failed with ${String(error)})`), {
      code: probeCode,
    });
  }
}

/** A fresh snapshot folder name; names sort by the time they were taken. */
export function newSnapshotName(now = Date.now(), pid = process.pid): string {
  return `snapshot-${now}-${pid}`;
}

/**
 * Writes a snapshot folder: `fill` writes its files into it, then every file's checksum goes
 * into the checksums file, then LATEST names the folder. Each step is made durable before the
 * next, so a crash or a failed write at any point leaves LATEST at the previous complete snapshot.
 * A folder whose writing failed is removed: it never was a snapshot, and it holds room a full
 * disk needs.
 */
export async function writeSnapshotFolder(
  root: string,
  name: string,
  fill: (dir: string) => Promise<void>,
  fs: SnapshotFs = nodeSnapshotFs,
): Promise<void> {
  const dir = join(root, name);
  try {
    await fs.mkdir(dir);
    await fill(dir);
    const files: FileChecksum[] = [];
    for (const file of (await filesUnder(dir)).sort()) {
      files.push({
        path: relative(dir, file).split('\\').join('/'),
        ...(await digestFile(file)),
      });
    }
    const checksums: SnapshotChecksums = {
      format: CHECKSUMS_FORMAT,
      createdAt: new Date().toISOString(),
      files,
    };
    await fs.writeFile(join(dir, `${CHECKSUMS_FILE}.tmp`), JSON.stringify(checksums));
    await fs.rename(join(dir, `${CHECKSUMS_FILE}.tmp`), join(dir, CHECKSUMS_FILE));
    await fs.syncDirectory(dir);
    await pointLatestAt(root, name, fs);
  } catch (error) {
    await fs.rm(dir).catch(() => undefined);
    await fs.rm(join(root, `${LATEST_FILE}.tmp`)).catch(() => undefined);
    throw error;
  }
}

/**
 * Checks a snapshot folder against its checksums file before anything in it is parsed; throws
 * SnapshotRejected saying what is wrong.
 */
export async function verifySnapshotFolder(dir: string): Promise<SnapshotChecksums> {
  let raw: string;
  try {
    raw = await fsp.readFile(join(dir, CHECKSUMS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const exists = await fsp.stat(dir).then(
      () => true,
      () => false,
    );
    throw exists
      ? new SnapshotRejected('no-checksums', `${CHECKSUMS_FILE} is missing`)
      : new SnapshotRejected('missing', 'the folder does not exist');
  }
  const checksums = parseChecksums(raw);
  for (const file of checksums.files) {
    let actual: { bytes: number; sha256: string };
    try {
      actual = await digestFile(join(dir, file.path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new SnapshotRejected('missing-file', `${file.path} is missing`);
      throw error;
    }
    if (actual.bytes !== file.bytes || actual.sha256 !== file.sha256) {
      throw new SnapshotRejected(
        'checksum',
        `${file.path} fails its checksum (expected ${file.bytes} bytes, sha256 ${file.sha256}; ` +
          `found ${actual.bytes} bytes, sha256 ${actual.sha256})`,
      );
    }
  }
  return checksums;
}

export function parseChecksums(raw: string): SnapshotChecksums {
  const fail = (problem: string): never => {
    throw new SnapshotRejected('bad-checksums', `${CHECKSUMS_FILE} is invalid: ${problem}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return fail((error as Error).message);
  }
  const value = parsed as Partial<SnapshotChecksums> | null;
  if (!value || typeof value !== 'object') return fail('not an object');
  if (value.format !== CHECKSUMS_FORMAT) return fail(`format ${String(value.format)}`);
  if (!Array.isArray(value.files) || value.files.length === 0) return fail('no files listed');
  for (const file of value.files as unknown[]) {
    const f = file as Partial<FileChecksum> | null;
    if (
      !f ||
      typeof f.path !== 'string' ||
      f.path.split('/').some((part) => part === '..' || part === '') ||
      typeof f.bytes !== 'number' ||
      typeof f.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(f.sha256)
    )
      return fail(`bad entry ${JSON.stringify(file)}`);
  }
  return value as SnapshotChecksums;
}

/**
 * The snapshots to try, best first: the one LATEST names (even when its folder is gone, so that
 * this is reported), then every other snapshot folder, newest first. Set-aside folders are not
 * snapshots any more.
 */
export function snapshotCandidates(latest: string | null, entries: readonly string[]): string[] {
  const others = entries
    .filter((entry) => SNAPSHOT_NAME.test(entry) && entry !== latest)
    .sort(newestFirst);
  return latest && SNAPSHOT_NAME.test(latest) ? [latest, ...others] : others;
}

/**
 * The snapshot folders to remove once `current` is complete: complete ones but the `keep` newest
 * (the previous good ones a damaged snapshot falls back to), and incomplete ones (a write that a
 * crash interrupted); never `current` itself, never one newer than it (another writer's), never
 * a set-aside one.
 */
export function foldersToPrune(
  current: string,
  entries: readonly string[],
  keep: number,
  isComplete: (name: string) => boolean,
): string[] {
  const older = entries
    .filter((entry) => SNAPSHOT_NAME.test(entry) && entry !== current)
    .filter((entry) => newestFirst(entry, current) > 0)
    .sort(newestFirst);
  const kept = new Set(older.filter(isComplete).slice(0, Math.max(0, keep - 1)));
  return older.filter((entry) => !kept.has(entry));
}

function newestFirst(a: string, b: string): number {
  const [, aTime, aPid] = SNAPSHOT_NAME.exec(a)!;
  const [, bTime, bPid] = SNAPSHOT_NAME.exec(b)!;
  return Number(bTime) - Number(aTime) || Number(bPid) - Number(aPid);
}

/** Points LATEST at `name` atomically (a crash leaves it naming the old or the new). */
export async function pointLatestAt(
  root: string,
  name: string,
  fs: SnapshotFs = nodeSnapshotFs,
): Promise<void> {
  await fs.writeFile(join(root, `${LATEST_FILE}.tmp`), name);
  await fs.rename(join(root, `${LATEST_FILE}.tmp`), join(root, LATEST_FILE));
  await fs.syncDirectory(root);
}

export async function readLatest(root: string): Promise<string | null> {
  try {
    return (await fsp.readFile(join(root, LATEST_FILE), 'utf8')).trim() || null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function listSnapshotRoot(root: string): Promise<string[]> {
  try {
    return await fsp.readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Renames a rejected snapshot to `<name>.rejected-<reason>` (kept for a post-mortem; it no longer
 * counts as a snapshot); returns the new name, or null when there was no folder to rename.
 */
export async function quarantineSnapshot(
  root: string,
  name: string,
  reason: RejectionReason,
): Promise<string | null> {
  const from = join(root, name);
  if (!(await fsp.stat(from).catch(() => null))) return null;
  const entries = new Set(await listSnapshotRoot(root));
  let target = `${name}.rejected-${reason}`;
  for (let n = 2; entries.has(target); n++) target = `${name}.rejected-${reason}-${n}`;
  await fsp.rename(from, join(root, target));
  return target;
}

/** Removes old snapshot folders, after `current` is complete; a failed removal is retried next time. */
export async function pruneSnapshots(
  root: string,
  current: string,
  keep: number,
  fs: SnapshotFs = nodeSnapshotFs,
): Promise<string[]> {
  const entries = await listSnapshotRoot(root);
  const complete = new Set<string>();
  for (const entry of entries) {
    if (await fsp.stat(join(root, entry, CHECKSUMS_FILE)).catch(() => null)) complete.add(entry);
  }
  const removed: string[] = [];
  for (const name of foldersToPrune(current, entries, keep, (n) => complete.has(n))) {
    await fs.rm(join(root, name));
    removed.push(name);
  }
  return removed;
}
