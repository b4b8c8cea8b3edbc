import type { JobPayload, ProfilePayload, RankedMatch } from '@matchstream/contracts';
import { isEligible, scorePair, skillMatcherFor } from '@matchstream/matching';
import type { ScoringWeights, SkillMatcher } from '@matchstream/matching';
import type { EntityState } from './entity-state';

export interface MatchEngineOptions {
  topK: number;
  candidatePool: number;
  weights: ScoringWeights;
}

/**
 * Ranks counterparts for a subject: nearest eligible neighbours by embedding (hard constraints are
 * applied inside the HNSW search, so a pool is full whenever enough eligible entities exist),
 * re-ranked by the hybrid score.
 */
export class MatchEngine {
  /**
   * One skill matcher per stored profile document (documents are replaced, never mutated, so the
   * object is the key): incremental updates score the same profiles against many jobs.
   */
  private readonly skillMatchers = new WeakMap<ProfilePayload, SkillMatcher>();

  constructor(
    private readonly state: EntityState,
    private readonly options: MatchEngineOptions,
  ) {}

  get topK(): number {
    return this.options.topK;
  }

  get candidatePool(): number {
    return this.options.candidatePool;
  }

  rankCandidatesForJob(jobId: string, k = this.options.topK): RankedMatch[] {
    const job = this.state.jobs.get(jobId);
    const vector = this.state.jobIndex.getVector(jobId);
    if (!job || !vector) return [];
    return this.candidatesForJob(job.document, vector, k);
  }

  rankJobsForProfile(profileId: string, k = this.options.topK): RankedMatch[] {
    const profile = this.state.profiles.get(profileId);
    const vector = this.state.profileIndex.getVector(profileId);
    if (!profile || !vector) return [];
    return this.jobsForProfile(profile.document, vector, k);
  }

  /** Also used by ad-hoc search, with a job-shaped query that is not in the index. */
  candidatesForJob(
    job: JobPayload,
    vector: Float32Array,
    k: number,
    extraFilter?: (p: ProfilePayload) => boolean,
  ): RankedMatch[] {
    const hits = this.state.profileIndex.search(
      vector,
      Math.max(k, this.options.candidatePool),
      (id) => {
        const profile = this.state.profiles.get(id);
        return (
          profile !== undefined &&
          isEligible(job, profile.document) &&
          (!extraFilter || extraFilter(profile.document))
        );
      },
    );
    const scored = hits.map((hit) => {
      const profile = this.state.profiles.get(hit.id)!;
      return {
        id: hit.id,
        version: profile.version,
        ...scorePair(
          job,
          profile.document,
          hit.similarity,
          this.options.weights,
          this.skillsOf(profile.document),
        ),
      };
    });
    return this.toRanked(scored, k);
  }

  jobsForProfile(
    profile: ProfilePayload,
    vector: Float32Array,
    k: number,
    extraFilter?: (j: JobPayload) => boolean,
  ): RankedMatch[] {
    const hits = this.state.jobIndex.search(
      vector,
      Math.max(k, this.options.candidatePool),
      (id) => {
        const job = this.state.jobs.get(id);
        return (
          job !== undefined &&
          isEligible(job.document, profile) &&
          (!extraFilter || extraFilter(job.document))
        );
      },
    );
    const scored = hits.map((hit) => {
      const job = this.state.jobs.get(hit.id)!;
      return {
        id: hit.id,
        version: job.version,
        ...scorePair(
          job.document,
          profile,
          hit.similarity,
          this.options.weights,
          this.skillsOf(profile),
        ),
      };
    });
    return this.toRanked(scored, k);
  }

  /** The pair's hybrid score, or null when a hard constraint fails or an entity is unknown. */
  scoreOf(jobId: string, profileId: string): number | null {
    const job = this.state.jobs.get(jobId);
    const profile = this.state.profiles.get(profileId);
    const jv = this.state.jobIndex.getVector(jobId);
    const pv = this.state.profileIndex.getVector(profileId);
    if (!job || !profile || !jv || !pv || !isEligible(job.document, profile.document)) return null;
    let similarity = 0;
    for (let i = 0; i < jv.length; i++) similarity += jv[i] * pv[i];
    return scorePair(
      job.document,
      profile.document,
      similarity,
      this.options.weights,
      this.skillsOf(profile.document),
    ).score;
  }

  private skillsOf(profile: ProfilePayload): SkillMatcher {
    let matcher = this.skillMatchers.get(profile);
    if (!matcher) this.skillMatchers.set(profile, (matcher = skillMatcherFor(profile)));
    return matcher;
  }

  private toRanked(
    scored: {
      id: string;
      version: number;
      score: number;
      explanation: RankedMatch['explanation'];
    }[],
    k: number,
  ): RankedMatch[] {
    return scored
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, k)
      .map((s, i) => ({
        rank: i + 1,
        counterpartId: s.id,
        counterpartVersion: s.version,
        score: s.score,
        explanation: s.explanation,
      }));
  }
}
