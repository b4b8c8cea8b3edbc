import { EmbeddingDriftTracker } from './embedding-drift.tracker';

const DIMENSION = 16;

/** Small seeded PRNG (mulberry32), so the "random" vectors are the same on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Vectors scattered around `axis` (a unit vector along one dimension) with some noise. */
function around(axis: number, random: () => number) {
  return () => {
    const v = Float32Array.from({ length: DIMENSION }, () => (random() - 0.5) * 0.4);
    v[axis] += 1;
    return v;
  };
}

describe('EmbeddingDriftTracker', () => {
  it('returns null until the reference is complete', () => {
    const tracker = new EmbeddingDriftTracker(DIMENSION, 50, 20);
    const next = around(0, rng(1));
    expect(tracker.centroidShift()).toBeNull();
    for (let i = 0; i < 49; i++) tracker.add(next());
    expect(tracker.centroidShift()).toBeNull();
    tracker.add(next());
    expect(tracker.centroidShift()).not.toBeNull();
  });

  it('reports about zero for more of the same distribution', () => {
    const tracker = new EmbeddingDriftTracker(DIMENSION, 50, 20);
    const next = around(0, rng(2));
    for (let i = 0; i < 200; i++) tracker.add(next());
    const shift = tracker.centroidShift()!;
    expect(shift).toBeGreaterThanOrEqual(0);
    expect(shift).toBeLessThan(0.02);
  });

  it('reports a large shift once the recent window moves to an orthogonal distribution', () => {
    const tracker = new EmbeddingDriftTracker(DIMENSION, 50, 20);
    const random = rng(3);
    const before = around(0, random);
    const after = around(1, random);
    for (let i = 0; i < 50; i++) tracker.add(before());
    const baseline = tracker.centroidShift()!;

    for (let i = 0; i < 5; i++) tracker.add(after());
    const partial = tracker.centroidShift()!;
    for (let i = 0; i < 20; i++) tracker.add(after());
    const full = tracker.centroidShift()!;

    expect(baseline).toBeLessThan(0.02);
    expect(partial).toBeGreaterThan(baseline);
    expect(full).toBeGreaterThan(0.5);
    expect(full).toBeGreaterThan(partial);
  });

  it('keeps its reference fixed once complete', () => {
    const tracker = new EmbeddingDriftTracker(2, 2, 1);
    tracker.add(new Float32Array([1, 0]));
    tracker.add(new Float32Array([1, 0]));
    tracker.add(new Float32Array([0, 1])); // after the reference: moves only the window
    expect(tracker.centroidShift()).toBeCloseTo(1, 6);
    tracker.add(new Float32Array([3, 0]));
    expect(tracker.centroidShift()).toBeCloseTo(0, 6);
  });

  it('returns null rather than NaN for an all-zero centroid', () => {
    const tracker = new EmbeddingDriftTracker(2, 1, 1);
    tracker.add(new Float32Array([0, 0]));
    expect(tracker.centroidShift()).toBeNull();
  });
});
