import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobDocument, profileDocument, SAMPLE_JOBS, SAMPLE_PROFILES } from '@matchstream/testing';
import { EntityState } from '@matchstream/ranking';
import { loadEntityStateSnapshot, saveEntityStateSnapshot } from './entity-state.snapshot';

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

  it('ignores a snapshot of the older format (whole documents): the log is replayed instead', async () => {
    const dir = join(root, 'snapshot-1-1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'state.json'),
      JSON.stringify({
        profiles: [
          { id: 'p', version: 1, modelId: 'm', document: profileDocument(SAMPLE_PROFILES[0].id) },
        ],
        jobs: [],
        versions: [['profile:p', 1]],
        indexVersion: 1,
        offsets: { '0': '1' },
      }),
    );
    writeFileSync(join(root, 'LATEST'), 'snapshot-1-1');
    expect(await loadEntityStateSnapshot(root, options)).toBeNull();
  });

  it('keeps only the newest snapshot and points LATEST at it', async () => {
    const state = new EntityState(options);
    state.upsertJob(
      { id: 'j', version: 1, document: jobDocument(SAMPLE_JOBS[0].id), modelId: 'm' },
      vector(1),
    );
    const first = await saveEntityStateSnapshot(root, state, {});
    state.upsertJob(
      { id: 'j', version: 2, document: jobDocument(SAMPLE_JOBS[0].id), modelId: 'm' },
      vector(2),
    );
    const second = await saveEntityStateSnapshot(root, state, { '0': '2' });
    expect(second).not.toBe(first);
    expect(readFileSync(join(root, 'LATEST'), 'utf8')).toBe(second);
    expect((await loadEntityStateSnapshot(root, options))?.state.versionOf('job', 'j')).toBe(2);
  });
});
