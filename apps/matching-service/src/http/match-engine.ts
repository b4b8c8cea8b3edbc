import type { EntityType, RankedMatch } from '@matchstream/contracts';
import {
  compareScored,
  isEligible,
  scorePair,
  skillMatcherFor,
  toRankedMatches,
} from '@matchstream/matching';
import type {
  JobFields,
  JobLike,
  ProfileFields,
  ProfileLike,
  ScoredCounterpart,
  ScoringWeights,
} from '@matchstream/matching';
import type { HnswVectorIndex, VectorHit } from '@matchstream/vector-index';
import type { EntityState } from '@matchstream/ranking';

export interface MatchEngineOptions {
  topK: number;
  candidatePool: number;
  weights: ScoringWeights;
}

/**
 * Ad-hoc search (POST /v1/search): the nearest eligible neighbours by embedding from the HNSW index
 * (hard constraints applied inside the search), re-ranked by the hybrid score. Approximate and
 * bounded by MATCH_CANDIDATE_POOL; the published rankings are exact and maintained elsewhere
 * (@matchstream/ranking).
 */
export class MatchEngine {
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
    return toRankedMatches(this.scoredPool('job', jobId), k);
  }

  rankJobsForProfile(profileId: string, k = this.options.topK): RankedMatch[] {
    return toRankedMatches(this.scoredPool('profile', profileId), k);
  }

  /**
   * An indexed subject's candidate pool (the nearest eligible counterparts, at least `topK`),
   * scored, best first; empty when the subject is unknown.
   */
  scoredPool(type: EntityType, id: string): ScoredCounterpart[] {
    const size = Math.max(this.options.topK, this.options.candidatePool);
    if (type === 'job') {
      const job = this.state.jobs.get(id);
      const vector = this.state.jobIndex.getVector(id);
      return job && vector ? this.scoredCandidatesForJob(job.document, vector, size) : [];
    }
    const profile = this.state.profiles.get(id);
    const vector = this.state.profileIndex.getVector(id);
    return profile && vector ? this.scoredJobsForProfile(profile.document, vector, size) : [];
  }

  /** Also used by ad-hoc search, with a job-shaped query that is not in the index. */
  candidatesForJob(
    job: JobLike,
    vector: Float32Array,
    k: number,
    extraFilter?: (p: ProfileFields) => boolean,
  ): RankedMatch[] {
    return toRankedMatches(
      this.scoredCandidatesForJob(
        job,
        vector,
        Math.max(k, this.options.candidatePool),
        extraFilter,
      ),
      k,
    );
  }

  jobsForProfile(
    profile: ProfileLike,
    vector: Float32Array,
    k: number,
    extraFilter?: (j: JobFields) => boolean,
  ): RankedMatch[] {
    return toRankedMatches(
      this.scoredJobsForProfile(
        profile,
        vector,
        Math.max(k, this.options.candidatePool),
        extraFilter,
      ),
      k,
    );
  }

  private scoredCandidatesForJob(
    job: JobLike,
    vector: Float32Array,
    poolSize: number,
    extraFilter?: (p: ProfileFields) => boolean,
  ): ScoredCounterpart[] {
    const hits = nearestEligible(
      this.state.profileIndex,
      this.state.profileCategories.candidatesFor(job.categories),
      vector,
      poolSize,
      (id) => {
        const profile = this.state.profiles.get(id);
        return (
          profile !== undefined &&
          isEligible(job, profile.document) &&
          (!extraFilter || extraFilter(profile.document))
        );
      },
    );
    const scored = hits.map((hit): ScoredCounterpart => {
      const profile = this.state.profiles.get(hit.id)!;
      return {
        id: hit.id,
        version: profile.version,
        ...scorePair(
          job,
          profile.document,
          similarityOf(this.state.profileIndex, vector, hit),
          this.options.weights,
          skillMatcherFor(profile.document),
        ),
      };
    });
    return scored.sort(compareScored);
  }

  private scoredJobsForProfile(
    profile: ProfileLike,
    vector: Float32Array,
    poolSize: number,
    extraFilter?: (j: JobFields) => boolean,
  ): ScoredCounterpart[] {
    const hits = nearestEligible(
      this.state.jobIndex,
      this.state.jobCategories.candidatesFor(profile.categories),
      vector,
      poolSize,
      (id) => {
        const job = this.state.jobs.get(id);
        return (
          job !== undefined &&
          isEligible(job.document, profile) &&
          (!extraFilter || extraFilter(job.document))
        );
      },
    );
    // One matcher for the pool: the profile is asked about every posting's skills.
    const matcher = skillMatcherFor(profile);
    const scored = hits.map((hit): ScoredCounterpart => {
      const job = this.state.jobs.get(hit.id)!;
      return {
        id: hit.id,
        version: job.version,
        ...scorePair(
          job.document,
          profile,
          similarityOf(this.state.jobIndex, vector, hit),
          this.options.weights,
          matcher,
        ),
      };
    });
    return scored.sort(compareScored);
  }
}

/**
 * The hit's similarity as every ranking path computes it (pairSimilarity through the index), not
 * the search's own figure (hnswlib's float32 distance, or the exact search's normalised cosine):
 * those differ in the last bits, and a near-tie would then order differently here than in the
 * maintained ranking of the same subject.
 */
function similarityOf(index: HnswVectorIndex, query: Float32Array, hit: VectorHit): number {
  return index.similarityTo(query, hit.id) ?? hit.similarity;
}

/**
 * Candidate sets up to this size are searched exactly (about 0.3 µs per candidate here, so 20,000
 * cost well under a millisecond); larger ones go through the HNSW graph with the filter.
 */
const EXACT_CANDIDATE_LIMIT = 20000;

/**
 * The nearest eligible entries: an exact scan of the entities that can pass the category
 * constraint when they are few (the usual case: most pairs fail on category, and a filtered graph
 * walk then visits most of the graph), the HNSW index otherwise.
 */
function nearestEligible(
  index: HnswVectorIndex,
  candidates: Set<string> | null,
  vector: Float32Array,
  k: number,
  eligible: (id: string) => boolean,
): VectorHit[] {
  return candidates !== null && candidates.size <= EXACT_CANDIDATE_LIMIT
    ? index.searchAmong(vector, k, candidates, eligible)
    : index.search(vector, k, eligible);
}
