import { seededRandom } from '@matchstream/testing';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HierarchicalNSW } from 'hnswlib-node';
import { HnswVectorIndex, exactSearch, recallAtK } from '@matchstream/vector-index';
import type { HnswIndexOptions, VectorHit } from '@matchstream/vector-index';

// Bound once: under jest each `Math.x` lookup goes through the vm context's global object, which
// made generating four million values take seconds instead of a few hundred milliseconds.
const { cos, log, max, PI, sqrt } = Math;

function gaussian(rand: () => number): number {
  const u = max(rand(), 1e-12);
  return sqrt(-2 * log(u)) * cos(2 * PI * rand());
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  norm = sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i] = v[i] / norm;
  return v;
}

function randomUnit(dim: number, rand: () => number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = gaussian(rand);
  return normalise(v);
}

/** A unit vector near `centre`; the noise norm is about `noise` times the centre's. */
function nearCentre(centre: Float32Array, noise: number, rand: () => number): Float32Array {
  const sd = noise / sqrt(centre.length);
  const v = new Float32Array(centre.length);
  for (let i = 0; i < v.length; i++) v[i] = centre[i] + sd * gaussian(rand);
  return normalise(v);
}

function basis(dim: number, axis: number, tilt = 0): Float32Array {
  const v = new Float32Array(dim);
  v[axis % dim] = 1;
  v[(axis + 1) % dim] = tilt;
  return normalise(v);
}

function expectClose(actual: Float32Array | undefined, expected: Float32Array): void {
  expect(actual).toBeDefined();
  expect(actual?.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual?.[i]).toBeCloseTo(expected[i], 5);
}

const ids = (hits: VectorHit[]): string[] => hits.map((hit) => hit.id);

/** The wrapped native index, for assertions on state the public API deliberately hides. */
const nativeOf = (index: HnswVectorIndex): HierarchicalNSW =>
  Reflect.get(index, 'hnsw') as HierarchicalNSW;

const small: HnswIndexOptions = {
  dimension: 8,
  initialCapacity: 4,
  m: 8,
  efConstruction: 50,
  efSearch: 20,
};

describe('HnswVectorIndex: entries', () => {
  it('inserts, reports size and capacity, and returns stored vectors', () => {
    const index = new HnswVectorIndex(small);
    index.upsert('a', basis(8, 0));
    index.upsert('b', Array.from(basis(8, 1)));
    expect(index.size).toBe(2);
    expect(index.capacity).toBe(4);
    expect(index.has('a')).toBe(true);
    expect(index.has('zzz')).toBe(false);
    expect(index.ids().sort()).toEqual(['a', 'b']);
    expectClose(index.getVector('b'), basis(8, 1));
    expect(index.getVector('zzz')).toBeUndefined();
    expect(index.stats()).toEqual({ size: 2, capacity: 4, deleted: 0, dimension: 8 });
  });

  it('replaces the vector of an existing id in place', () => {
    const index = new HnswVectorIndex(small);
    index.upsert('a', basis(8, 0));
    index.upsert('b', basis(8, 1));
    index.upsert('a', basis(8, 5));
    index.upsert('a', basis(8, 5)); // a replay is just another overwrite
    expect(index.size).toBe(2);
    expect(nativeOf(index).getCurrentCount()).toBe(2);
    expectClose(index.getVector('a'), basis(8, 5));
    expect(index.search(basis(8, 5), 1)).toEqual([{ id: 'a', similarity: expect.closeTo(1, 5) }]);
  });

  it('gives its own copy of an id, so callers can share it instead of holding another', () => {
    const index = new HnswVectorIndex(small);
    const first = ['entity', '42'].join('-');
    index.upsert(first, basis(8, 0));
    const another = ['entity', '42'].join('-');
    expect(index.idOf(another)).toBe(first);
    index.upsert(another, basis(8, 1)); // an update keeps the first copy
    expect(index.idOf('entity-42')).toBe(first);
    expect(index.idOf('never-there')).toBeUndefined();
    index.delete(first);
    expect(index.idOf(first)).toBeUndefined();
  });

  it('deletes idempotently', () => {
    const index = new HnswVectorIndex(small);
    index.upsert('a', basis(8, 0));
    index.upsert('b', basis(8, 1));
    expect(index.delete('a')).toBe(true);
    expect(index.delete('a')).toBe(false);
    expect(index.delete('never-there')).toBe(false);
    expect(index.has('a')).toBe(false);
    expect(index.size).toBe(1);
    expect(index.getVector('a')).toBeUndefined();
    expect(ids(index.search(basis(8, 0), 5))).toEqual(['b']);
    expect(index.stats()).toEqual({ size: 1, capacity: 4, deleted: 1, dimension: 8 });
  });

  it('reuses freed slots before growing', () => {
    const index = new HnswVectorIndex(small);
    for (let i = 0; i < 4; i++) index.upsert(`v${i}`, basis(8, i));
    index.delete('v1');
    index.delete('v3');
    index.upsert('n1', basis(8, 6));
    index.upsert('n2', basis(8, 7));
    expect(index.capacity).toBe(4);
    expect(nativeOf(index).getCurrentCount()).toBe(4);
    expect(index.stats().deleted).toBe(0);
    expectClose(index.getVector('n1'), basis(8, 6));
    expectClose(index.getVector('n2'), basis(8, 7));
    expect(ids(index.search(basis(8, 7), 1))).toEqual(['n2']);
    expect(ids(index.search(basis(8, 0), 10)).sort()).toEqual(['n1', 'n2', 'v0', 'v2']);
    // Deleting a re-used slot and re-adding the old id must also work.
    expect(index.delete('n1')).toBe(true);
    index.upsert('v1', basis(8, 1));
    expectClose(index.getVector('v1'), basis(8, 1));
    expectClose(index.getVector('n2'), basis(8, 7));
  });

  it('grows beyond the initial capacity by the growth factor', () => {
    const index = new HnswVectorIndex({ ...small, initialCapacity: 2 });
    const rand = seededRandom(7);
    const vectors = Array.from({ length: 50 }, () => randomUnit(8, rand));
    vectors.forEach((v, i) => index.upsert(`g${i}`, v));
    expect(index.size).toBe(50);
    expect(index.capacity).toBe(64); // 2 -> 4 -> 8 -> 16 -> 32 -> 64
    vectors.forEach((v, i) => expect(index.search(v, 1)[0].id).toBe(`g${i}`));

    const tripled = new HnswVectorIndex({ ...small, initialCapacity: 2, growthFactor: 3 });
    for (let i = 0; i < 7; i++) tripled.upsert(`t${i}`, vectors[i]);
    expect(tripled.capacity).toBe(18);
  });

  it('stays consistent with a reference model under random churn and replays', () => {
    const rand = seededRandom(42);
    const index = new HnswVectorIndex({ ...small, initialCapacity: 8 });
    const model = new Map<string, Float32Array>();
    for (let step = 0; step < 600; step++) {
      const id = `e${Math.floor(rand() * 40)}`;
      if (rand() < 0.4) {
        expect(index.delete(id)).toBe(model.delete(id));
      } else {
        const v = randomUnit(8, rand);
        index.upsert(id, v);
        model.set(id, v);
      }
      if (step % 50 === 49) {
        expect(index.size).toBe(model.size);
        expect(index.ids().sort()).toEqual([...model.keys()].sort());
        for (const [mid, v] of model) expectClose(index.getVector(mid), v);
        const all = index.search(randomUnit(8, rand), 1000);
        expect(ids(all).sort()).toEqual([...model.keys()].sort());
      }
    }
    // Labels never exceed what hnswlib was given: live + free == slots used.
    const stats = index.stats();
    expect(stats.size + stats.deleted).toBe(nativeOf(index).getCurrentCount());
  });

  it('rejects invalid input with clear errors', () => {
    const index = new HnswVectorIndex(small);
    expect(() => index.upsert('a', [1, 2, 3])).toThrow(/dimension 3, expected 8/);
    expect(() => index.upsert('a', [1, 0, 0, 0, 0, 0, 0, NaN])).toThrow(/non-finite.*7/);
    expect(() => index.upsert('a', new Float32Array(8))).toThrow(/zero vector/);
    expect(() => index.upsert('', basis(8, 0))).toThrow(/non-empty/);
    index.upsert('a', basis(8, 0));
    expect(() => index.search([1, 2], 1)).toThrow(/query vector has dimension 2/);
    expect(() => index.search(basis(8, 0).fill(Infinity), 1)).toThrow(/non-finite/);
    expect(() => index.search(basis(8, 0), -1)).toThrow(/k must be/);
    expect(() => index.search(basis(8, 0), 1.5)).toThrow(/k must be/);
    expect(() => new HnswVectorIndex({ ...small, dimension: 0 })).toThrow(/dimension/);
    expect(() => new HnswVectorIndex({ ...small, growthFactor: 1 })).toThrow(/growthFactor/);
    expect(index.size).toBe(1);
  });

  it('returns at most size results and nothing for k = 0 or an empty index', () => {
    const index = new HnswVectorIndex(small);
    expect(index.search(basis(8, 0), 5)).toEqual([]);
    index.upsert('a', basis(8, 0));
    index.upsert('b', basis(8, 1, 0.5));
    index.upsert('c', basis(8, 2));
    expect(index.search(basis(8, 0), 0)).toEqual([]);
    // k above capacity would make hnswlib throw; it must be clamped first.
    const hits = index.search(basis(8, 0), 100);
    expect(ids(hits)).toEqual(['a', 'b', 'c']);
    expect(hits[0].similarity).toBeCloseTo(1, 5);
    expect(hits[2].similarity).toBeCloseTo(0, 5);
  });
});

describe('HnswVectorIndex: search on 10,000 clustered 384-d vectors', () => {
  const dim = 384;
  const count = 10_000;
  const options: HnswIndexOptions = {
    dimension: dim,
    initialCapacity: 4096, // forces two resizes during the build
    m: 16,
    efConstruction: 200,
    efSearch: 100,
  };
  // Noise 2.5x the centre's norm keeps the set hard enough that recall is measured, not
  // trivially 1 (at 0.8 it is 1.0; at 3 unfiltered recall drops to about 0.92).
  const noise = 2.5;
  const data: Array<[string, Float32Array]> = [];
  const queries: Float32Array[] = [];
  const thirty = new Set<string>();
  const onePercent = new Set<string>();
  let index: HnswVectorIndex;

  beforeAll(() => {
    const rand = seededRandom(20240611);
    const centres = Array.from({ length: 50 }, () => randomUnit(dim, rand));
    const pick = (): Float32Array => centres[Math.floor(rand() * centres.length)];
    for (let i = 0; i < count; i++) data.push([`doc-${i}`, nearCentre(pick(), noise, rand)]);
    for (let i = 0; i < 100; i++) queries.push(nearCentre(pick(), noise, rand));
    for (const [id] of data) if (rand() < 0.3) thirty.add(id);
    for (const [id] of data) if (rand() < 0.01) onePercent.add(id);

    index = new HnswVectorIndex(options);
    for (const [id, v] of data) index.upsert(id, v);
  }, 60_000);

  it('built every entry', () => {
    expect(index.size).toBe(count);
    expect(index.capacity).toBe(16_384);
  });

  it('returns k results without a filter, with recall@10 >= 0.95', () => {
    const approx = queries.map((q) => index.search(q, 10));
    approx.forEach((hits) => expect(hits).toHaveLength(10));
    const exact = queries.map((q) => exactSearch(data, q, 10));
    const recall = recallAtK(approx, exact, 10);
    console.log(`unfiltered recall@10 = ${recall.toFixed(4)}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps filtered recall@10 >= 0.95 with a 30% filter', () => {
    const filter = (id: string): boolean => thirty.has(id);
    const approx = queries.map((q) => index.search(q, 10, filter));
    approx.forEach((hits) => {
      expect(hits).toHaveLength(10);
      hits.forEach((hit) => expect(thirty.has(hit.id)).toBe(true));
    });
    const exact = queries.map((q) => exactSearch(data, q, 10, filter));
    const recall = recallAtK(approx, exact, 10);
    console.log(`30% filter (${thirty.size} eligible) recall@10 = ${recall.toFixed(4)}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('returns k results with a 1% filter', () => {
    const filter = (id: string): boolean => onePercent.has(id);
    const approx = queries.map((q) => index.search(q, 10, filter));
    approx.forEach((hits) => {
      expect(hits).toHaveLength(10);
      hits.forEach((hit) => expect(onePercent.has(hit.id)).toBe(true));
    });
    const exact = queries.map((q) => exactSearch(data, q, 10, filter));
    const recall = recallAtK(approx, exact, 10);
    console.log(`1% filter (${onePercent.size} eligible) recall@10 = ${recall.toFixed(4)}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('returns every eligible entry when fewer than k exist', () => {
    const few = new Set(['doc-3', 'doc-5000', 'doc-9999']);
    const hits = index.search(queries[0], 10, (id) => few.has(id));
    expect(ids(hits).sort()).toEqual([...few].sort());
    expect(index.search(queries[0], 10, () => false)).toEqual([]);
  });

  it('falls back to an exact scan when the graph search comes back short', () => {
    const native = nativeOf(index);
    // The native method is a read-only prototype property, so jest.spyOn cannot replace it.
    Object.defineProperty(native, 'searchKnn', {
      configurable: true,
      value: () => ({ distances: [], neighbors: [] }),
    });
    try {
      const filter = (id: string): boolean => thirty.has(id);
      const hits = index.search(queries[1], 10, filter);
      const exact = exactSearch(data, queries[1], 10, filter);
      expect(ids(hits)).toEqual(ids(exact));
      hits.forEach((hit, i) => expect(hit.similarity).toBeCloseTo(exact[i].similarity, 5));
      expect(ids(index.search(queries[1], 10))).toEqual(ids(exactSearch(data, queries[1], 10)));
    } finally {
      Reflect.deleteProperty(native, 'searchKnn');
    }
    expect(index.search(queries[1], 10)).toHaveLength(10);
  });

  it('searches a given candidate set exactly, skipping unknown ids', () => {
    const candidates = [...onePercent, 'not-indexed'];
    const filter = (id: string): boolean => !id.endsWith('7');
    const hits = index.searchAmong(queries[3], 10, candidates, filter);
    const exact = exactSearch(data, queries[3], 10, (id) => onePercent.has(id) && filter(id));
    expect(ids(hits)).toEqual(ids(exact));
    hits.forEach((hit, i) => expect(hit.similarity).toBeCloseTo(exact[i].similarity, 5));
    expect(index.searchAmong(queries[3], 10, ['not-indexed'])).toEqual([]);
  });

  it('answers from an unfiltered over-fetch when it holds k eligible entries', () => {
    let calls = 0;
    const everyone = (): boolean => {
      calls++;
      return true;
    };
    const hits = index.search(queries[2], 10, everyone);
    // Only the over-fetched neighbours were checked: no filtered walk through the graph.
    expect(calls).toBe(40);
    expect(ids(hits)).toEqual(ids(index.search(queries[2], 10)));
  });

  it('surfaces a throwing filter as an exception instead of aborting the process', () => {
    let calls = 0;
    // Rejects the over-fetched neighbours, then throws inside hnswlib's filtered walk.
    const boom = (): boolean => {
      if (++calls > 40) throw new Error('filter exploded');
      return false;
    };
    expect(() => index.search(queries[0], 10, boom)).toThrow('filter exploded');
    expect(calls).toBeGreaterThan(40);
    expect(index.search(queries[0], 10)).toHaveLength(10);
  });
});

describe('HnswVectorIndex: snapshots', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'vector-index-spec-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  const options: HnswIndexOptions = {
    dimension: 32,
    initialCapacity: 64,
    m: 16,
    efConstruction: 100,
    efSearch: 40,
  };
  const rand = seededRandom(99);
  const vectors = Array.from({ length: 300 }, () => randomUnit(32, rand));
  const queries = Array.from({ length: 20 }, () => randomUnit(32, rand));
  const even = (id: string): boolean => Number(id.slice(1)) % 2 === 0;

  function buildIndex(): HnswVectorIndex {
    const index = new HnswVectorIndex(options);
    vectors.forEach((v, i) => index.upsert(`p${i}`, v));
    for (let i = 0; i < 300; i += 7) index.delete(`p${i}`);
    return index;
  }

  it('round-trips entries, free slots, meta and search results; ef is restored', async () => {
    const dir = tempDir();
    const original = buildIndex();
    await original.saveSnapshot(dir, { offsets: { 'jobs.v1': '42' }, note: 'x' });

    const loaded = await HnswVectorIndex.loadSnapshot(dir, options);
    expect(loaded).not.toBeNull();
    const { index, meta } = loaded as { index: HnswVectorIndex; meta: Record<string, unknown> };
    expect(meta).toEqual({ offsets: { 'jobs.v1': '42' }, note: 'x' });
    expect(nativeOf(index).getEf()).toBe(options.efSearch);
    expect(index.stats()).toEqual(original.stats());
    expect(index.ids().sort()).toEqual(original.ids().sort());
    for (const q of queries) {
      expect(index.search(q, 10)).toEqual(original.search(q, 10));
      expect(index.search(q, 10, even)).toEqual(original.search(q, 10, even));
    }
    expectClose(index.getVector('p1'), vectors[1]);
    // Bit for bit: exact rankings compare scores rounded from these vectors across restarts.
    for (const id of original.ids()) expect(index.getVector(id)).toEqual(original.getVector(id));

    // Free slots survive the round trip and are reused before growing.
    const { deleted, capacity } = index.stats();
    for (let i = 0; i < deleted; i++) index.upsert(`new${i}`, randomUnit(32, rand));
    expect(index.stats()).toMatchObject({ deleted: 0, capacity });
    expect(index.delete('p0')).toBe(false);
    expect(index.delete('p1')).toBe(true);
  });

  it('captures the state at call time even if the index changes before the write settles', async () => {
    const dir = tempDir();
    const index = buildIndex();
    const first = index.saveSnapshot(dir, { n: 1 });
    index.upsert('late', vectors[0]);
    index.delete('p1');
    const second = index.saveSnapshot(dir, { n: 2 });
    index.upsert('later', vectors[1]);
    await Promise.all([first, second]);

    const loaded = await HnswVectorIndex.loadSnapshot(dir, options);
    expect(loaded?.meta).toEqual({ n: 2 });
    expect(loaded?.index.has('late')).toBe(true);
    expect(loaded?.index.has('p1')).toBe(false);
    expect(loaded?.index.has('later')).toBe(false);
    // Only the committed index file remains.
    expect(readdirSync(dir).sort()).toEqual([
      JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).indexFile,
      'manifest.json',
    ]);
  });

  it('returns null for an empty or missing directory', async () => {
    await expect(HnswVectorIndex.loadSnapshot(tempDir(), options)).resolves.toBeNull();
    await expect(
      HnswVectorIndex.loadSnapshot(join(tempDir(), 'does-not-exist'), options),
    ).resolves.toBeNull();
  });

  it('detects a corrupted index file by checksum', async () => {
    const dir = tempDir();
    await buildIndex().saveSnapshot(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const indexPath = join(dir, manifest.indexFile as string);
    const bytes = readFileSync(indexPath);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(indexPath, bytes);
    await expect(HnswVectorIndex.loadSnapshot(dir, options)).rejects.toThrow(/checksum/);
  });

  it('rejects a snapshot of another dimension and an inconsistent manifest', async () => {
    const dir = tempDir();
    await buildIndex().saveSnapshot(dir);
    await expect(HnswVectorIndex.loadSnapshot(dir, { ...options, dimension: 64 })).rejects.toThrow(
      /dimension 32.*configured for 64/,
    );

    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.freeLabels = [...manifest.freeLabels, manifest.entries[0][1]];
    writeFileSync(manifestPath, JSON.stringify(manifest));
    await expect(HnswVectorIndex.loadSnapshot(dir, options)).rejects.toThrow(/manifest.*invalid/);
  });
});

describe('HnswVectorIndex snapshot of an empty index', () => {
  it('loads back empty and usable', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'hnsw-empty-'));
    try {
      const options = { dimension: 4, initialCapacity: 4, m: 8, efConstruction: 50, efSearch: 10 };
      await new HnswVectorIndex(options).saveSnapshot(dir);
      const loaded = await HnswVectorIndex.loadSnapshot(dir, options);
      expect(loaded?.index.size).toBe(0);
      loaded!.index.upsert('a', [1, 0, 0, 0]);
      expect(loaded!.index.search([1, 0, 0, 0], 1).map((h) => h.id)).toEqual(['a']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
