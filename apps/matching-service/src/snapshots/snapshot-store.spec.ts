import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SnapshotRejected,
  foldersToPrune,
  parseChecksums,
  quarantineSnapshot,
  snapshotCandidates,
  verifySnapshotFolder,
  writeSnapshotFolder,
} from './snapshot-store';
import type { SnapshotFs } from './snapshot-store';
import { nodeSnapshotFs } from './snapshot-store';

describe('snapshot store', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'matchstream-store-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const fill = (dir: string) => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a.json'), '{"a":1}');
    writeFileSync(join(dir, 'sub', 'b.bin'), Buffer.from([1, 2, 3, 4]));
    return Promise.resolve();
  };
  const reasonOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'verified',
      (error: unknown) => (error instanceof SnapshotRejected ? error.reason : String(error)),
    );

  it('writes every file with its checksum, then LATEST; the folder verifies', async () => {
    await writeSnapshotFolder(root, 'snapshot-5-1', fill);
    expect(readFileSync(join(root, 'LATEST'), 'utf8')).toBe('snapshot-5-1');
    const checksums = await verifySnapshotFolder(join(root, 'snapshot-5-1'));
    expect(checksums.files.map((f) => [f.path, f.bytes])).toEqual([
      ['a.json', 7],
      ['sub/b.bin', 4],
    ]);
  });

  it('rejects a changed, a shortened or a missing file, and a folder without checksums', async () => {
    const dir = join(root, 'snapshot-5-1');
    await writeSnapshotFolder(root, 'snapshot-5-1', fill);
    writeFileSync(join(dir, 'a.json'), '{"a":2}');
    expect(await reasonOf(verifySnapshotFolder(dir))).toBe('checksum');
    writeFileSync(join(dir, 'a.json'), '{"a":');
    expect(await reasonOf(verifySnapshotFolder(dir))).toBe('checksum');
    writeFileSync(join(dir, 'a.json'), '{"a":1}');
    rmSync(join(dir, 'sub', 'b.bin'));
    expect(await reasonOf(verifySnapshotFolder(dir))).toBe('missing-file');
    rmSync(join(dir, 'checksums.json'));
    expect(await reasonOf(verifySnapshotFolder(dir))).toBe('no-checksums');
    expect(await reasonOf(verifySnapshotFolder(join(root, 'snapshot-6-1')))).toBe('missing');
  });

  it('rejects checksums that are cut, of another format or name paths outside the folder', () => {
    const file = { path: 'a.json', bytes: 1, sha256: 'a'.repeat(64) };
    const reason = (raw: string) => {
      try {
        parseChecksums(raw);
        return 'parsed';
      } catch (error) {
        return (error as SnapshotRejected).reason;
      }
    };
    expect(reason(JSON.stringify({ format: 1, createdAt: '', files: [file] }))).toBe('parsed');
    expect(reason(JSON.stringify({ format: 1, files: [file] }).slice(0, 20))).toBe('bad-checksums');
    expect(reason(JSON.stringify({ format: 2, files: [file] }))).toBe('bad-checksums');
    expect(reason(JSON.stringify({ format: 1, files: [] }))).toBe('bad-checksums');
    expect(reason(JSON.stringify({ format: 1, files: [{ ...file, path: '../x' }] }))).toBe(
      'bad-checksums',
    );
    expect(reason(JSON.stringify({ format: 1, files: [{ ...file, sha256: 'x' }] }))).toBe(
      'bad-checksums',
    );
  });

  it('a failed write removes its folder and leaves LATEST as it was', async () => {
    await writeSnapshotFolder(root, 'snapshot-5-1', fill);
    const failing: SnapshotFs = {
      ...nodeSnapshotFs,
      writeFile: (path, data) =>
        path.endsWith('LATEST.tmp')
          ? Promise.reject(Object.assign(new Error('EROFS'), { code: 'EROFS' }))
          : nodeSnapshotFs.writeFile(path, data),
    };
    await expect(writeSnapshotFolder(root, 'snapshot-6-1', fill, failing)).rejects.toMatchObject({
      code: 'EROFS',
    });
    expect(readdirSync(root).sort()).toEqual(['LATEST', 'snapshot-5-1']);
    expect(readFileSync(join(root, 'LATEST'), 'utf8')).toBe('snapshot-5-1');
  });

  it('candidates: LATEST first (even when gone), then the others newest first, never set-aside ones', () => {
    const entries = [
      'snapshot-100-7',
      'snapshot-300-7',
      'snapshot-200-7',
      'snapshot-400-7.rejected-checksum',
      'LATEST',
      'other',
    ];
    expect(snapshotCandidates('snapshot-200-7', entries)).toEqual([
      'snapshot-200-7',
      'snapshot-300-7',
      'snapshot-100-7',
    ]);
    expect(snapshotCandidates('snapshot-999-1', entries)).toEqual([
      'snapshot-999-1',
      'snapshot-300-7',
      'snapshot-200-7',
      'snapshot-100-7',
    ]);
    expect(snapshotCandidates(null, entries)[0]).toBe('snapshot-300-7');
    expect(snapshotCandidates('../etc', entries)[0]).toBe('snapshot-300-7');
  });

  it('pruning keeps the current and the newest complete older ones, drops incomplete ones', () => {
    const entries = [
      'snapshot-100-1',
      'snapshot-200-1',
      'snapshot-300-1', // interrupted: no checksums
      'snapshot-400-1', // current
      'snapshot-500-1', // newer: another writer's, not ours to judge
      'snapshot-50-1.rejected-checksum',
    ];
    const complete = (name: string) => name !== 'snapshot-300-1';
    expect(foldersToPrune('snapshot-400-1', entries, 2, complete).sort()).toEqual([
      'snapshot-100-1',
      'snapshot-300-1',
    ]);
    expect(foldersToPrune('snapshot-400-1', entries, 1, complete).sort()).toEqual([
      'snapshot-100-1',
      'snapshot-200-1',
      'snapshot-300-1',
    ]);
    expect(foldersToPrune('snapshot-400-1', entries, 3, complete)).toEqual(['snapshot-300-1']);
  });

  it('quarantine renames, never overwrites an earlier set-aside copy', async () => {
    mkdirSync(join(root, 'snapshot-5-1'));
    mkdirSync(join(root, 'snapshot-5-1.rejected-checksum'));
    expect(await quarantineSnapshot(root, 'snapshot-5-1', 'checksum')).toBe(
      'snapshot-5-1.rejected-checksum-2',
    );
    expect(await quarantineSnapshot(root, 'snapshot-9-1', 'missing')).toBeNull();
    expect(readdirSync(root).sort()).toEqual([
      'snapshot-5-1.rejected-checksum',
      'snapshot-5-1.rejected-checksum-2',
    ]);
  });
});
