import { seededRandom } from '@matchstream/testing';
import { dotProduct } from './dot-product';
import { HnswVectorIndex } from './hnsw-vector-index';
import { VectorStore } from './vector-store';
import type { BoundedRow } from './vector-store';

type Maker = (random: () => number, d: number) => Float32Array;

/** Vectors the kernel's float32 rounding handles worst: cancellations, extremes of magnitude. */
const KINDS: Record<string, Maker> = {
  uniform: (r, d) => Float32Array.from({ length: d }, () => r() - 0.5),
  normalised: (r, d) => {
    const v = Float32Array.from({ length: d }, () => r() - 0.5);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  },
  large: (r, d) => Float32Array.from({ length: d }, () => (r() - 0.5) * 1e15),
  tiny: (r, d) => Float32Array.from({ length: d }, () => (r() - 0.5) * 1e-19),
  subnormal: (r, d) => Float32Array.from({ length: d }, () => (r() - 0.5) * 1e-39),
  mixed: (r, d) =>
    Float32Array.from({ length: d }, (_, i) => (r() - 0.5) * 10 ** ((i % 7) * 3 - 9)),
  cancelling: (r, d) =>
    Float32Array.from({ length: d }, (_, i) => (i % 2 ? 1 : -1) * (1 + r() * 1e-6)),
  zero: (_r, d) => new Float32Array(d),
  oneHot: (r, d) => {
    const v = new Float32Array(d);
    v[Math.floor(r() * d)] = 1;
    return v;
  },
};

describe('VectorStore.approximate (the SIMD scan filter)', () => {
  it.each([4, 8, 12, 16, 20, 60, 384])(
    'stays within its margin of dotProduct at dimension %i, for every kind of vector, scanned and gathered',
    (d) => {
      const random = seededRandom(d);
      const kinds = Object.values(KINDS);
      const count = 300;
      const store = new VectorStore(d, 4);
      expect(store.accelerated).toBe(true);
      store.ensure(count);
      const stored: Float32Array[] = [];
      for (let slot = 0; slot < count; slot++) {
        const v = kinds[slot % kinds.length](random, d);
        stored.push(v);
        store.set(slot, v);
      }
      for (let q = 0; q < 3 * kinds.length; q++) {
        const query = kinds[q % kinds.length](random, d);
        const exact = stored.map((v) => dotProduct(query, 0, v, 0, d));
        const all = store.approximate(query, count);
        expect(all.slots).toBeNull();
        for (let slot = 0; slot < count; slot++) {
          const error = Math.abs(all.similarities[slot] - exact[slot]);
          expect(error).toBeLessThanOrEqual(all.margin);
          // The filter's use of it: a pair at exactly the threshold always passes.
          expect(all.similarities[slot] + all.margin).toBeGreaterThanOrEqual(exact[slot]);
        }
        const picked = Array.from({ length: 50 }, () => Math.floor(random() * count));
        const some = store.approximate(query, 0, picked);
        expect(Array.from(some.slots!)).toEqual(picked);
        picked.forEach((slot, k) =>
          expect(Math.abs(some.similarities[k] - exact[slot])).toBeLessThanOrEqual(some.margin),
        );
      }
    },
  );

  it('is tight enough to filter: the margin is far below the gaps between real similarities', () => {
    const store = new VectorStore(384, 1);
    const v = KINDS.normalised(seededRandom(1), 384);
    store.set(0, v);
    expect(store.approximate(v, 1).margin).toBeLessThan(1e-4);
  });

  it('is exact (margin 0) where the kernel cannot run: a dimension not a multiple of 4', () => {
    const store = new VectorStore(7, 2);
    expect(store.accelerated).toBe(false);
    const random = seededRandom(7);
    const a = KINDS.uniform(random, 7);
    const b = KINDS.uniform(random, 7);
    store.set(0, a);
    store.set(1, b);
    const { similarities, margin } = store.approximate(a, 2);
    expect(margin).toBe(0);
    expect(similarities[1]).toBe(dotProduct(a, 0, b, 0, 7));
  });

  it('keeps vectors in place as it grows', () => {
    const random = seededRandom(3);
    const store = new VectorStore(16, 2);
    const vectors = Array.from({ length: 100 }, () => KINDS.uniform(random, 16));
    vectors.forEach((v, slot) => {
      store.ensure(slot + 1);
      store.set(slot, v);
    });
    vectors.forEach((v, slot) => expect(Array.from(store.at(slot))).toEqual(Array.from(v)));
  });
});

describe('VectorStore.blockScan (the blocked pass kernel, four queries a step)', () => {
  it.each([4, 8, 12, 20, 60, 384])(
    'stays within each query’s margin of dotProduct at dimension %i, for every kind of vector, any stream',
    (d) => {
      const random = seededRandom(100 + d);
      const kinds = Object.values(KINDS);
      const count = 200;
      const store = new VectorStore(d, count);
      const stored: Float32Array[] = [];
      for (let slot = 0; slot < count; slot++) {
        const v = kinds[(slot * 7) % kinds.length](random, d);
        stored.push(v);
        store.set(slot, v);
      }
      // Queries from another store's memory, as a blocked pass takes them; 10 of a block of 12.
      const queries = Array.from({ length: 10 }, (_, q) => kinds[q % kinds.length](random, d));
      const scan = store.blockScan(12, count, 64);
      scan.load(queries);
      const slots = Array.from({ length: 150 }, () => Math.floor(random() * count));
      scan.stream(slots, slots.length);
      for (let from = 0; from < slots.length; from += 64) {
        const chunk = Math.min(64, slots.length - from);
        for (let group = 0; group < 3; group++) {
          const out = scan.dots(group, from, chunk);
          for (let k = 0; k < chunk; k++) {
            for (let i = 0; i < 4; i++) {
              const q = 4 * group + i;
              const vector = stored[slots[from + k]];
              const exact = q < queries.length ? dotProduct(queries[q], 0, vector, 0, d) : 0;
              const error = Math.abs(out[4 * k + i] - exact);
              expect(error).toBeLessThanOrEqual(scan.margin(q));
              expect(out[4 * k + i] + scan.margin(q)).toBeGreaterThanOrEqual(exact);
            }
          }
        }
      }
    },
  );

  it('keeps the vectors and the single-query scan right when its scratch grows the memory', () => {
    const random = seededRandom(5);
    const store = new VectorStore(16, 8);
    const vectors = Array.from({ length: 8 }, () => KINDS.uniform(random, 16));
    vectors.forEach((v, slot) => store.set(slot, v));
    const scan = store.blockScan(64, 100_000, 256);
    vectors.forEach((v, slot) => expect(Array.from(store.at(slot))).toEqual(Array.from(v)));
    const all = store.approximate(vectors[0], 8);
    vectors.forEach((v, slot) =>
      expect(
        Math.abs(all.similarities[slot] - dotProduct(vectors[0], 0, v, 0, 16)),
      ).toBeLessThanOrEqual(all.margin),
    );
    scan.load([vectors[1]]);
    scan.stream([3], 1);
    expect(
      Math.abs(scan.dots(0, 0, 1)[0] - dotProduct(vectors[1], 0, vectors[3], 0, 16)),
    ).toBeLessThanOrEqual(scan.margin(0));
  });

  it('is exact (margin 0) where the kernel cannot run', () => {
    const random = seededRandom(9);
    const store = new VectorStore(7, 3);
    const vectors = Array.from({ length: 3 }, () => KINDS.uniform(random, 7));
    vectors.forEach((v, slot) => store.set(slot, v));
    const scan = store.blockScan(4, 3, 3);
    scan.load([vectors[0], vectors[2]]);
    scan.stream([2, 1, 0], 3);
    const out = scan.dots(0, 0, 3);
    expect(scan.margin(1)).toBe(0);
    expect(out[4 * 1 + 1]).toBe(dotProduct(vectors[2], 0, vectors[1], 0, 7));
    expect(out[4 * 2 + 0]).toBe(dotProduct(vectors[0], 0, vectors[0], 0, 7));
  });
});

describe('VectorStore.boundedScan (pairs bounded in the kernel)', () => {
  const popcount = (x: number) => {
    let n = 0;
    for (let v = x >>> 0; v; v >>>= 1) n += v & 1;
    return n;
  };

  it.each([8, 36, 384])(
    'keeps exactly the pairs its documented bound keeps, with the dots of the plain blocked scan (dimension %i)',
    (d) => {
      const random = seededRandom(200 + d);
      const columns = 300;
      // Two stores with the same vectors: scans of one store share its scratch.
      const store = new VectorStore(d, columns);
      const twin = new VectorStore(d, columns);
      for (let slot = 0; slot < columns; slot++) {
        const v = KINDS.normalised(random, d);
        store.set(slot, v);
        twin.set(slot, v);
      }
      const word = () => (random() < 0.3 ? 0 : Math.floor(random() * 2 ** 32) | 0);
      const bounded = store.boundedScan(8, columns, 64)!;
      const plain = twin.blockScan(8, columns, 64);
      const queries = Array.from({ length: 7 }, () => KINDS.normalised(random, d));
      bounded.load(queries);
      plain.load(queries);
      const rows: BoundedRow[] = queries.map(() => ({
        bitsA: [word(), word(), 0, word()],
        extraA: Math.floor(random() * 2),
        capA: 1 + Math.floor(random() * 6),
        unitA: random() * 0.1,
        bitsB: [word(), 0, word(), word()],
        extraB: Math.floor(random() * 2),
        capB: 1 + Math.floor(random() * 3),
        unitB: random() * 0.05,
        same: random() * 0.05,
        other: random() * 0.03,
        threshold: random() < 0.2 ? -Infinity : 0.3 + random() * 0.5,
        mask: random() < 0.3 ? 0 : 1 << Math.floor(random() * 5),
        code: 8 * Math.floor(random() * 6),
        key: random() < 0.4 ? -1 : Math.floor(random() * 3),
      }));
      rows.forEach((row, q) => bounded.setRow(q, row));
      for (let t = 0; t < 64; t++) bounded.table[t] = random() * 0.1;
      const column = Array.from({ length: columns }, (_, c) => ({
        bits: [word(), word(), word(), word()],
        mask: random() < 0.3 ? 0 : 1 << Math.floor(random() * 5),
        code: Math.floor(random() * 6),
        key: Math.floor(random() * 3),
        slot: columns - 1 - c,
      }));
      column.forEach((col, c) => {
        bounded.setColumn(c, col.bits, col.mask, col.code, col.key, col.slot);
        bounded.thresholds[c] = random() < 0.2 ? Infinity : 0.3 + random() * 0.5;
      });
      const stream = Array.from({ length: 200 }, () => Math.floor(random() * columns));
      bounded.stream(stream, stream.length);
      plain.stream(
        stream.map((c) => column[c].slot),
        stream.length,
      );
      const [weight, floor, quick, rounding] = [0.55, 0.1, 0.4505, 0.0005];
      let kept = 0;
      for (let from = 0; from < stream.length; from += 64) {
        const count = Math.min(64, stream.length - from);
        for (let group = 0; group < 2; group++) {
          const dots = Array.from(plain.dots(group, from, count));
          const expected: [number, number][] = [];
          for (let k = 0; k < count; k++) {
            const col = column[stream[from + k]];
            for (let i = 0; i < 4; i++) {
              const q = 4 * group + i;
              const row = rows[q];
              if (!row) continue;
              const s = Math.min(1, Math.max(0, dots[4 * k + i] + bounded.margin(q)));
              const atLeast = Math.max(
                Math.min(row.threshold, bounded.thresholds[stream[from + k]]),
                floor,
              );
              if (weight * s + quick < atLeast) continue;
              if (row.mask !== 0 && col.mask !== 0 && (row.mask & col.mask) === 0) continue;
              const set = (bits: ArrayLike<number>, extra: number, cap: number, unit: number) => {
                let n = extra;
                for (let w = 0; w < 4; w++) n += popcount(bits[w] & col.bits[w]);
                return Math.min(n, cap) * unit;
              };
              const others =
                set(row.bitsA, row.extraA, row.capA, row.unitA) +
                set(row.bitsB, row.extraB, row.capB, row.unitB) +
                bounded.table[row.code + col.code] +
                (row.key < 0 || row.key === col.key ? row.same : row.other) +
                rounding;
              if (weight * s + others < atLeast) continue;
              expected.push([4 * k + i, dots[4 * k + i]]);
            }
          }
          const n = bounded.scan(group, from, count, weight, floor, quick, rounding);
          const got = Array.from({ length: n }, (_, j): [number, number] => [
            bounded.survivors[2 * j],
            bounded.survivorDots[2 * j + 1],
          ]);
          // Rows of the padding (the block's eighth query is zero) are the caller's to drop.
          expect(got.filter(([code]) => 4 * group + (code & 3) < queries.length)).toEqual(expected);
          kept += expected.length;
        }
      }
      expect(kept).toBeGreaterThan(20);
      expect(kept).toBeLessThan(1400 * 0.9);
    },
  );

  it.each([4, 12, 60, 384])(
    'gives dotProduct bit for bit on the kernel (similarity), for every kind of vector (dimension %i)',
    (d) => {
      const random = seededRandom(300 + d);
      const kinds = Object.values(KINDS);
      const count = 120;
      const store = new VectorStore(d, count);
      const stored = Array.from({ length: count }, (_, slot) => {
        const v = kinds[slot % kinds.length](random, d);
        store.set(slot, v);
        return v;
      });
      const scan = store.boundedScan(12, count, 8)!;
      const queries = Array.from({ length: 2 * kinds.length }, (_, q) =>
        kinds[q % kinds.length](random, d),
      );
      for (let first = 0; first < queries.length; first += 12) {
        const block = queries.slice(first, first + 12);
        scan.load(block);
        block.forEach((query, q) => {
          for (let slot = 0; slot < count; slot++)
            expect(scan.similarity(q, slot)).toBe(dotProduct(query, 0, stored[slot], 0, d));
        });
      }
    },
  );

  it('is null where the kernel cannot run', () => {
    expect(new VectorStore(7, 2).boundedScan(4, 2, 2)).toBeNull();
  });
});

describe('HnswVectorIndex.approximate', () => {
  const options = { dimension: 8, initialCapacity: 4, m: 8, efConstruction: 16, efSearch: 16 };

  it('covers every slot in use (free ones say so through idAt), or the given ids in their order', () => {
    const index = new HnswVectorIndex(options);
    const random = seededRandom(11);
    for (let i = 0; i < 20; i++) index.upsert(`e${i}`, KINDS.normalised(random, 8));
    index.delete('e3');
    const query = index.getVector('e0')!;
    const all = index.approximate(query);
    expect(all.count).toBe(20);
    expect(index.idAt(index.slotOf('e5')!)).toBe('e5');
    const freed = Array.from({ length: 20 }, (_, slot) => index.idAt(slot)).filter(
      (id) => id === undefined,
    );
    expect(freed).toHaveLength(1);
    const some = index.approximate(query, ['e7', 'nope', 'e3', 'e2']);
    expect(Array.from(some.slots!)).toEqual([index.slotOf('e7'), index.slotOf('e2')]);
    for (let k = 0; k < some.count; k++) {
      const exact = index.similarityAt(query, some.slots![k]);
      expect(Math.abs(some.similarities[k] - exact)).toBeLessThanOrEqual(some.margin);
      expect(exact).toBe(index.similarityTo(query, index.idAt(some.slots![k])!));
    }
  });
});
