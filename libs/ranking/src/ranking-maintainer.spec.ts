import { jobPayload, parseEntityKey, profilePayload } from '@matchstream/contracts';
import type { EntityType } from '@matchstream/contracts';
import { DEFAULT_WEIGHTS } from '@matchstream/scoring';
import {
  SAMPLE_JOBS,
  SAMPLE_PROFILES,
  bruteForceRanking,
  seededRandom,
} from '@matchstream/testing';
import type { Approximation } from '@matchstream/vector-index';
import { EntityState } from './entity-state';
import { PairScorer } from './pair-scorer';
import { RankingBook } from './ranking-book';
import { RankingMaintainer } from './ranking-maintainer';

const CATEGORIES = ['software-engineering', 'data-analytics', 'devops', 'frontend'];

/** A maintainer over its own state; `filtered: false` looks at every pair, as before the kernel. */
function setUp(dimension: number, filtered: boolean, minScore = 0) {
  const state = new EntityState({
    dimension,
    initialCapacity: 8,
    m: 8,
    efConstruction: 16,
    efSearch: 16,
  });
  if (!filtered) {
    for (const index of [state.profileIndex, state.jobIndex]) {
      const approximate = index.approximate.bind(index);
      // An infinite margin lets every pair through the filter.
      index.approximate = (query, ids): Approximation => ({
        ...approximate(query, ids),
        margin: Infinity,
      });
    }
  }
  const book = new RankingBook(3, 5);
  const maintainer = new RankingMaintainer(
    state,
    new PairScorer({ weights: DEFAULT_WEIGHTS, minScore }),
    book,
  );
  if (!filtered) Object.defineProperty(maintainer, 'ownThreshold', { value: () => undefined });
  return { state, book, maintainer };
}

/**
 * Vectors with many exact and near ties: copies of a few centres, some moved by one float32 ulp
 * in one component, some by a little noise, a few tiny before normalisation.
 */
function vectorMaker(dimension: number, random: () => number) {
  const centres = Array.from({ length: 4 }, () =>
    Float32Array.from({ length: dimension }, () => random() - 0.5),
  );
  return (): Float32Array => {
    const v = Float32Array.from(centres[Math.floor(random() * centres.length)]);
    const roll = random();
    if (roll < 0.3) {
      const at = Math.floor(random() * dimension);
      const bits = new Int32Array(v.buffer);
      bits[at] += random() < 0.5 ? 1 : -1;
    } else if (roll < 0.8) {
      for (let i = 0; i < dimension; i++) v[i] += (random() - 0.5) * 0.05;
    }
    if (random() < 0.1) for (let i = 0; i < dimension; i++) v[i] *= 1e-20;
    return v;
  };
}

/**
 * The ranking invariant, for every subject the book holds: its entries are the best qualifying
 * counterparts in order (a prefix of the brute-force ranking), at least K of them when that many
 * qualify, and all of them when it says it is exhaustive.
 */
function expectInvariant(state: EntityState, book: RankingBook, minScore: number): void {
  for (const key of book.keys()) {
    const ranking = book.get(key)!;
    const expected = bruteForceRanking(state, ...parseEntityKey(key), { minScore });
    expect({ key, entries: ranking.entries }).toStrictEqual({
      key,
      entries: expected.slice(0, ranking.entries.length),
    });
    expect(ranking.entries.length).toBeGreaterThanOrEqual(Math.min(book.k, expected.length));
    if (ranking.exhaustive) expect(ranking.entries.length).toBe(expected.length);
  }
  for (const type of ['profile', 'job'] as const)
    for (const id of state.side(type).entities.keys())
      expect(book.get(`${type}:${id}`)).toBeDefined();
}

describe('RankingMaintainer with the SIMD scan filter', () => {
  it.each([
    [8, 0],
    [12, 0],
    [36, 0.3],
  ])(
    'keeps every ranking exact (the brute-force definition) and bit for bit what the unfiltered pass keeps, through random churn (dimension %i, floor %d)',
    (dimension, minScore) => {
      const random = seededRandom(dimension * 7 + 1);
      const vector = vectorMaker(dimension, random);
      const filtered = setUp(dimension, true, minScore);
      const unfiltered = setUp(dimension, false, minScore);
      const versions = new Map<string, number>();
      const ids: Record<EntityType, string[]> = { profile: [], job: [] };
      let created = 0;

      const change = (): string => {
        const type: EntityType = random() < 0.5 ? 'profile' : 'job';
        const roll = random();
        const known = ids[type];
        const id =
          roll < 0.5 || known.length < 10
            ? `${type[0]}${created++}`
            : known[Math.floor(random() * known.length)];
        const key = `${type}:${id}`;
        const version = (versions.get(key) ?? 0) + 1;
        versions.set(key, version);
        const alive = (s: EntityState) => s.side(type).entities.has(id);
        if (roll > 0.85 && alive(filtered.state)) {
          for (const { state } of [filtered, unfiltered]) state.remove(type, id, version);
          known.splice(known.indexOf(id), 1);
          return key;
        }
        if (!known.includes(id)) known.push(id);
        const v = vector();
        const sample = Math.floor(random() * 100);
        const categories = random() < 0.25 ? [] : [CATEGORIES[Math.floor(random() * 4)]];
        for (const { state } of [filtered, unfiltered]) {
          if (type === 'profile') {
            const base = SAMPLE_PROFILES[sample % SAMPLE_PROFILES.length].payload;
            const document = profilePayload.parse({ ...base, categories });
            state.upsertProfile({ id, version, modelId: 'm', document }, v);
          } else {
            const base = SAMPLE_JOBS[sample % SAMPLE_JOBS.length].payload;
            const document = jobPayload.parse({ ...base, categories });
            state.upsertJob({ id, version, modelId: 'm', document }, v);
          }
        }
        return key;
      };

      for (let chunk = 0; chunk < 220; chunk++) {
        const keys = Array.from({ length: 1 + Math.floor(random() * 4) }, change);
        const a = filtered.maintainer.apply(keys);
        const b = unfiltered.maintainer.apply(keys);
        expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
        if (chunk % 10 === 9 || chunk === 219) {
          const sorted = (book: RankingBook) =>
            book.serialise().sort(([x], [y]) => (x < y ? -1 : 1));
          expect(sorted(filtered.book)).toStrictEqual(sorted(unfiltered.book));
          // And each is what a fresh exact pass gives, and what the definition says.
          for (const key of filtered.book.keys())
            expect(filtered.maintainer.rank(key)).toStrictEqual(unfiltered.maintainer.rank(key));
          expectInvariant(filtered.state, filtered.book, minScore);
        }
      }
      expect(filtered.book.size).toBeGreaterThan(50);
    },
  );
});
