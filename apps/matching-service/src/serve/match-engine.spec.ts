import { jobPayload, profilePayload } from '@matchstream/contracts';
import { DEFAULT_WEIGHTS, isEligible, scorePair, skillMatcherFor } from '@matchstream/scoring';
import { SAMPLE_JOBS, SAMPLE_PROFILES, seededRandom } from '@matchstream/testing';
import { EntityState } from '@matchstream/ranking';
import { pairSimilarity } from '@matchstream/vector-index';
import { MatchEngine } from './match-engine';

const DIMENSION = 16;

function randomVector(random: () => number): Float32Array {
  const v = Float32Array.from({ length: DIMENSION }, () => random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

describe('MatchEngine', () => {
  // Every sample profile and job several times over, with random vectors: categories, work modes
  // and authorisations differ, so some pairs are eligible and many are not.
  const random = seededRandom(5);
  const state = new EntityState({
    dimension: DIMENSION,
    initialCapacity: 8,
    m: 16,
    efConstruction: 200,
    efSearch: 200,
  });
  const profiles = Array.from({ length: 120 }, (_, i) => ({
    id: `p${i}`,
    document: profilePayload.parse(SAMPLE_PROFILES[i % SAMPLE_PROFILES.length].payload),
    vector: randomVector(random),
  }));
  const jobs = Array.from({ length: 40 }, (_, i) => ({
    id: `j${i}`,
    document: jobPayload.parse(SAMPLE_JOBS[i % SAMPLE_JOBS.length].payload),
    vector: randomVector(random),
  }));
  for (const p of profiles) state.upsertProfile({ ...p, version: 1, modelId: 'm' }, p.vector);
  for (const j of jobs) state.upsertJob({ ...j, version: 1, modelId: 'm' }, j.vector);
  const engine = new MatchEngine(state, { candidatePool: 20, weights: DEFAULT_WEIGHTS });

  /** Brute force: every eligible pair scored, the pool taken by similarity, ranked by score. */
  function bruteForce(
    job: (typeof jobs)[number],
    eligibleProfiles: typeof profiles,
  ): { id: string; score: number }[] {
    return eligibleProfiles
      .filter((p) => isEligible(job.document, p.document))
      .map((p) => ({ p, similarity: dot(job.vector, p.vector) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 20)
      .map(({ p, similarity }) => ({
        id: p.id,
        score: scorePair(
          job.document,
          p.document,
          similarity,
          DEFAULT_WEIGHTS,
          skillMatcherFor(p.document),
        ).score,
      }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, 5);
  }

  it('ranks each job exactly as a brute-force search over the eligible profiles would', () => {
    let compared = 0;
    for (const job of jobs) {
      const expected = bruteForce(job, profiles);
      const actual = engine.rank(
        { type: 'job', fields: state.jobs.get(job.id)!.document },
        state.jobIndex.getVector(job.id)!,
        5,
      );
      expect(actual.map((m) => m.counterpartId)).toEqual(expected.map((e) => e.id));
      actual.forEach((m, i) => expect(m.score).toBeCloseTo(expected[i].score, 5));
      compared += actual.length;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('ranks jobs for a profile over the jobs that can pass its constraints', () => {
    for (const profile of profiles.slice(0, 30)) {
      const ranked = engine.rank(
        { type: 'profile', fields: state.profiles.get(profile.id)!.document },
        state.profileIndex.getVector(profile.id)!,
        5,
      );
      for (const m of ranked) {
        const job = jobs.find((j) => j.id === m.counterpartId)!;
        expect(isEligible(job.document, profile.document)).toBe(true);
      }
      const eligibleCount = jobs.filter((j) => isEligible(j.document, profile.document)).length;
      expect(ranked).toHaveLength(Math.min(5, eligibleCount));
    }
  });
  it('keeps only counterparts the extra filter passes, for a query that is not indexed', () => {
    const remoteOnly = (c: { remotePolicy?: string }) => c.remotePolicy === 'remote';
    let kept = 0;
    for (const profile of profiles.slice(0, 30)) {
      const query = randomVector(random);
      const ranked = engine.rank({ type: 'profile', fields: profile.document }, query, 5, (c) =>
        remoteOnly(c as { remotePolicy?: string }),
      );
      const expected = jobs.filter(
        (j) => isEligible(j.document, profile.document) && remoteOnly(j.document),
      ).length;
      expect(ranked).toHaveLength(Math.min(5, expected));
      for (const m of ranked)
        expect(jobs.find((j) => j.id === m.counterpartId)!.document.remotePolicy).toBe('remote');
      kept += ranked.length;
    }
    expect(kept).toBeGreaterThan(0);
  });
});

describe('MatchEngine and the maintained rankings', () => {
  it('score every pair from the same similarity (pairSimilarity), so near-ties order alike', () => {
    // Profiles placed so that their similarity to a job sits on a rounding boundary of the
    // similarity's contribution: a similarity computed any other way (the HNSW graph's float32
    // distance: uncategorised entities are searched through it) then scores differently.
    const random = seededRandom(9);
    const dimension = 32;
    const state = new EntityState({
      dimension,
      initialCapacity: 8,
      m: 16,
      efConstruction: 100,
      efSearch: 100,
    });
    const normalised = (v: Float32Array) => {
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    const randomVector = () =>
      normalised(Float32Array.from({ length: dimension }, () => random() * 2 - 1));
    const profileSample = SAMPLE_PROFILES.find((p) =>
      SAMPLE_JOBS.some((j) =>
        isEligible(jobPayload.parse(j.payload), profilePayload.parse(p.payload)),
      ),
    )!.payload;
    const jobSample = SAMPLE_JOBS.find((j) =>
      isEligible(jobPayload.parse(j.payload), profilePayload.parse(profileSample)),
    )!.payload;
    const profileDocument = profilePayload.parse({ ...profileSample, categories: [] });
    const jobDocument = jobPayload.parse({ ...jobSample, categories: [] });
    for (let i = 0; i < 40; i++) {
      const q = randomVector();
      state.upsertJob({ id: `j${i}`, version: 1, modelId: 'm', document: jobDocument }, q);
      const stored = state.jobIndex.getVector(`j${i}`)!;
      for (let k = 0; k < 10; k++) {
        // A direction orthogonal to the job's, mixed in to reach the target similarity.
        const r = randomVector();
        const along = pairSimilarity(r, stored);
        const orthogonal = normalised(r.map((x, d) => x - along * stored[d]));
        const target = (Math.round(5500 * (0.5 + 0.4 * random())) + 0.5) / 5500;
        const p = stored.map((x, d) => target * x + Math.sqrt(1 - target ** 2) * orthogonal[d]);
        state.upsertProfile(
          { id: `p${i}-${k}`, version: 1, modelId: 'm', document: profileDocument },
          p,
        );
      }
    }
    const engine = new MatchEngine(state, { candidatePool: 10, weights: DEFAULT_WEIGHTS });
    let compared = 0;
    for (let i = 0; i < 40; i++) {
      const subject = state.jobIndex.getVector(`j${i}`)!;
      for (const scored of engine.rank({ type: 'job', fields: jobDocument }, subject, 10)) {
        const counterpart = state.profileIndex.getVector(scored.counterpartId)!;
        const expected = scorePair(
          jobDocument,
          profileDocument,
          pairSimilarity(subject, counterpart),
          DEFAULT_WEIGHTS,
          skillMatcherFor(profileDocument),
        ).score;
        expect(scored.score).toBe(expected);
        compared++;
      }
    }
    expect(compared).toBe(400);
  });
});
