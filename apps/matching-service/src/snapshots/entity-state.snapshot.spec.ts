import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobDocument, profileDocument, SAMPLE_JOBS, SAMPLE_PROFILES } from '@matchstream/testing';
import { EntityState } from '@matchstream/ranking';
import { loadEntityStateSnapshot, saveEntityStateSnapshot } from './entity-state.snapshot';
import type { RejectedSnapshot } from './entity-state.snapshot';
import { capacityLimitedFs, digestFile } from './snapshot-store';

const options = { dimension: 8, initialCapacity: 4, m: 8, efConstruction: 50, efSearch: 20 };

function vector(seed: number): Float32Array {
  const v = Float32Array.from({ length: 8 }, (_, i) => Math.sin(seed * 7.3 + i * 1.7));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe('entity state snapshots', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'matchstream-snapshot-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('returns null when there is no snapshot', async () => {
    expect(await loadEntityStateSnapshot(root, options)).toBeNull();
  });

  it('restores documents, versions, indexes and offsets exactly', async () => {
    const state = new EntityState(options);
    SAMPLE_PROFILES.forEach(({ id }, i) =>
      state.upsertProfile(
        { id, version: 3, document: profileDocument(id), modelId: 'm' },
        vector(i),
      ),
    );
    SAMPLE_JOBS.forEach(({ id }, i) =>
      state.upsertJob({ id, version: 1, document: jobDocument(id), modelId: 'm' }, vector(100 + i)),
    );
    state.remove('profile', SAMPLE_PROFILES[0].id, 4);

    await saveEntityStateSnapshot(root, state, { '0': '17', '3': '5' });
    const loaded = await loadEntityStateSnapshot(root, options);

    expect(loaded?.offsets).toEqual({ '0': '17', '3': '5' });
    const restored = loaded!.state;
    expect([...restored.profiles.keys()].sort()).toEqual([...state.profiles.keys()].sort());
    expect(restored.jobs.get(SAMPLE_JOBS[1].id)).toEqual(state.jobs.get(SAMPLE_JOBS[1].id));
    expect(restored.indexVersion).toBe(state.indexVersion);
    // The tombstone survives: an older upsert of the removed profile stays out.
    expect(restored.versionOf('profile', SAMPLE_PROFILES[0].id)).toBe(4);
    expect(
      restored.upsertProfile(
        {
          id: SAMPLE_PROFILES[0].id,
          version: 3,
          document: profileDocument(SAMPLE_PROFILES[0].id),
          modelId: 'm',
        },
        vector(0),
      ),
    ).toBe('stale');
    const query = vector(42);
    expect(restored.profileIndex.search(query, 3)).toEqual(state.profileIndex.search(query, 3));
    expect(restored.jobIndex.search(query, 5)).toEqual(state.jobIndex.search(query, 5));
  });

  it('keeps match fields, shared with the index and its ids, and scores them the same', async () => {
    const state = new EntityState(options);
    SAMPLE_PROFILES.forEach(({ id }, i) =>
      state.upsertProfile(
        { id, version: 1, document: profileDocument(id), modelId: 'm' },
        vector(i),
      ),
    );
    await saveEntityStateSnapshot(root, state, {});
    const restored = (await loadEntityStateSnapshot(root, options))!.state;
    for (const [id, entity] of state.profiles) {
      const back = restored.profiles.get(id)!;
      expect(back).toEqual(entity);
      expect(back.id).toBe(restored.profileIndex.idOf(id));
      expect(back.document).not.toHaveProperty('summary');
    }
  });

  it('sets aside a snapshot of the older format (no checksums): the log is replayed instead', async () => {
    const dir = join(root, 'snapshot-1-1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ profiles: [], jobs: [], offsets: {} }));
    writeFileSync(join(root, 'LATEST'), 'snapshot-1-1');
    const rejected: RejectedSnapshot[] = [];
    expect(await loadEntityStateSnapshot(root, options, (r) => rejected.push(r))).toBeNull();
    expect(rejected).toEqual([
      expect.objectContaining({
        name: 'snapshot-1-1',
        reason: 'no-checksums',
        setAsideAs: 'snapshot-1-1.rejected-no-checksums',
      }),
    ]);
    expect(readdirSync(root)).toContain('snapshot-1-1.rejected-no-checksums');
  });

  it('keeps the newest two snapshots and points LATEST at the newest', async () => {
    const state = new EntityState(options);
    const names: string[] = [];
    for (let version = 1; version <= 3; version++) {
      state.upsertJob(
        { id: 'j', version, document: jobDocument(SAMPLE_JOBS[0].id), modelId: 'm' },
        vector(version),
      );
      names.push(await saveEntityStateSnapshot(root, state, { '0': String(version) }));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(readFileSync(join(root, 'LATEST'), 'utf8')).toBe(names[2]);
    expect(
      readdirSync(root)
        .filter((e) => e.startsWith('snapshot-'))
        .sort(),
    ).toEqual(names.slice(1).sort());
    expect((await loadEntityStateSnapshot(root, options))?.state.versionOf('job', 'j')).toBe(3);
  });

  describe('damaged snapshots', () => {
    const state = new EntityState(options);
    SAMPLE_PROFILES.forEach(({ id }, i) =>
      state.upsertProfile(
        { id, version: 1, document: profileDocument(id), modelId: 'm' },
        vector(i),
      ),
    );
    SAMPLE_JOBS.forEach(({ id }, i) =>
      state.upsertJob({ id, version: 1, document: jobDocument(id), modelId: 'm' }, vector(50 + i)),
    );
    let previous: string;
    let latest: string;
    beforeEach(async () => {
      previous = await saveEntityStateSnapshot(root, state, { '0': '1' });
      await new Promise((resolve) => setTimeout(resolve, 2));
      latest = await saveEntityStateSnapshot(root, state, { '0': '2' });
    });
    const indexFile = (name: string, side: string) => {
      const dir = join(root, name, side);
      return join(
        dir,
        readdirSync(dir).find((f) => f.endsWith('.hnsw'))!,
      );
    };
    const flipByte = (path: string, at: number) => {
      const bytes = readFileSync(path);
      bytes[at] ^= 0xff;
      writeFileSync(path, bytes);
    };
    const load = async () => {
      const rejected: RejectedSnapshot[] = [];
      const loaded = await loadEntityStateSnapshot(root, options, (r) => rejected.push(r));
      return { loaded, rejected };
    };

    it.each([
      [
        'a truncated state file',
        () => {
          const path = join(root, latest, 'state.json');
          truncateSync(path, Math.floor(readFileSync(path).length / 2));
        },
        'checksum',
      ],
      [
        'a flipped byte inside the state file',
        () => flipByte(join(root, latest, 'state.json'), 40),
        'checksum',
      ],
      [
        'a flipped byte inside an index',
        () => {
          const path = indexFile(latest, 'profiles');
          flipByte(path, Math.floor(readFileSync(path).length / 2));
        },
        'checksum',
      ],
      ['a missing index file', () => rmSync(indexFile(latest, 'jobs')), 'missing-file'],
      [
        'a truncated checksums file',
        () => truncateSync(join(root, latest, 'checksums.json'), 10),
        'bad-checksums',
      ],
    ])(
      '%s: sets the snapshot aside and falls back to the previous one',
      async (_, damage, reason) => {
        damage();
        const { loaded, rejected } = await load();
        expect(rejected).toEqual([
          expect.objectContaining({
            name: latest,
            reason,
            setAsideAs: `${latest}.rejected-${reason}`,
          }),
        ]);
        expect(loaded?.name).toBe(previous);
        expect(loaded?.offsets).toEqual({ '0': '1' });
        expect([...loaded!.state.profiles.keys()].sort()).toEqual(
          [...state.profiles.keys()].sort(),
        );
        const query = vector(7);
        expect(loaded!.state.profileIndex.search(query, 3)).toEqual(
          state.profileIndex.search(query, 3),
        );
        expect(readdirSync(root)).toContain(`${latest}.rejected-${reason}`);
      },
    );

    it('a LATEST naming a folder that is gone: reported, and the previous one is loaded', async () => {
      rmSync(join(root, latest), { recursive: true });
      const { loaded, rejected } = await load();
      expect(rejected).toEqual([
        expect.objectContaining({ name: latest, reason: 'missing', setAsideAs: null }),
      ]);
      expect(loaded?.name).toBe(previous);
    });

    it('a state that does not match its index (checksums rewritten to match): index-mismatch', async () => {
      const path = join(root, latest, 'state.json');
      const saved = JSON.parse(readFileSync(path, 'utf8')) as { profiles: unknown[] };
      saved.profiles.pop();
      writeFileSync(path, JSON.stringify(saved));
      const checksumsPath = join(root, latest, 'checksums.json');
      const checksums = JSON.parse(readFileSync(checksumsPath, 'utf8')) as {
        files: { path: string; bytes: number; sha256: string }[];
      };
      const entry = checksums.files.find((f) => f.path === 'state.json')!;
      Object.assign(entry, await digestFile(path));
      writeFileSync(checksumsPath, JSON.stringify(checksums));
      const { loaded, rejected } = await load();
      expect(rejected.map((r) => r.reason)).toEqual(['index-mismatch']);
      expect(rejected[0].detail).toMatch(/profile index holds/);
      expect(loaded?.name).toBe(previous);
    });

    it('every snapshot damaged: all set aside, null (the caller replays the log)', async () => {
      truncateSync(join(root, latest, 'state.json'), 3);
      flipByte(indexFile(previous, 'jobs'), 100);
      const { loaded, rejected } = await load();
      expect(loaded).toBeNull();
      expect(rejected.map((r) => [r.name, r.reason])).toEqual([
        [latest, 'checksum'],
        [previous, 'checksum'],
      ]);
      expect(readdirSync(root).filter((e) => /^snapshot-\d+-\d+$/.test(e))).toEqual([]);
      expect(readdirSync(root)).not.toContain('LATEST');
    });

    it('a full disk fails the snapshot, removes its folder and keeps the complete ones', async () => {
      const before = readdirSync(root).sort();
      await expect(
        saveEntityStateSnapshot(root, state, { '0': '3' }, undefined, {
          fs: capacityLimitedFs(root, 1),
        }),
      ).rejects.toMatchObject({ code: 'ENOSPC' });
      expect(readdirSync(root).sort()).toEqual(before);
      expect(readFileSync(join(root, 'LATEST'), 'utf8')).toBe(latest);
      expect((await load()).loaded?.name).toBe(latest);
    });
  });
});
