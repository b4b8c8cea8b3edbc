import type { RankedMatch } from '@matchstream/contracts';
import { isEligible, scorePair, skillMatcherFor } from '@matchstream/scoring';
import { compareEntries, toRankedMatches } from '@matchstream/ranking';
import type {
  JobFields,
  JobLike,
  ProfileFields,
  ProfileLike,
  ScoringWeights,
} from '@matchstream/scoring';
import type { ScoredCounterpart } from '@matchstream/ranking';
import type { HnswVectorIndex, VectorHit } from '@matchstream/vector-index';
import { otherSide } from '@matchstream/ranking';
import type { EntityState } from '@matchstream/ranking';

export interface MatchEngineOptions {
  candidatePool: number;
  weights: ScoringWeights;
}

/** A subject of either side as search takes it: its match fields, indexed or not. */
export type SearchSubject =
  { type: 'job'; fields: JobLike } | { type: 'profile'; fields: ProfileLike };

/**
 * Ad-hoc search (POST /v1/search): the nearest eligible counterparts by embedding from the HNSW
 * index (hard constraints applied inside the search), re-ranked by the hybrid score. Approximate
 * and bounded by MATCH_CANDIDATE_POOL; the published rankings are exact and maintained elsewhere
 * (@matchstream/ranking). One path for both sides: a job's candidates and a profile's jobs.
 */
export class MatchEngine {
  constructor(
    private readonly state: EntityState,
    private readonly options: MatchEngineOptions,
  ) {}

  /** The subject's top `k` counterparts (that also pass `extraFilter`), best first. */
  rank(
    subject: SearchSubject,
    vector: Float32Array,
    k: number,
    extraFilter?: (counterpart: JobFields | ProfileFields) => boolean,
  ): RankedMatch[] {
    return toRankedMatches(
      this.scored(subject, vector, Math.max(k, this.options.candidatePool), extraFilter),
      k,
    );
  }

  private scored(
    subject: SearchSubject,
    vector: Float32Array,
    poolSize: number,
    extraFilter?: (counterpart: JobFields | ProfileFields) => boolean,
  ): ScoredCounterpart[] {
    const counterparts = this.state.side(otherSide(subject.type));
    const pair = (counterpart: JobFields | ProfileFields): [JobLike, ProfileLike] =>
      subject.type === 'job'
        ? [subject.fields, counterpart as ProfileFields]
        : [counterpart as JobFields, subject.fields];
    const hits = nearestEligible(
      counterparts.index,
      counterparts.categories.candidatesFor(subject.fields.categories),
      vector,
      poolSize,
      (id) => {
        const counterpart = counterparts.entities.get(id);
        return (
          counterpart !== undefined &&
          isEligible(...pair(counterpart.document)) &&
          (!extraFilter || extraFilter(counterpart.document))
        );
      },
    );
    // A profile subject is asked about every posting's skills: one matcher for the pool.
    const subjectMatcher = subject.type === 'profile' ? skillMatcherFor(subject.fields) : null;
    return hits
      .map((hit): ScoredCounterpart => {
        const counterpart = counterparts.entities.get(hit.id)!;
        const [job, profile] = pair(counterpart.document);
        return {
          id: hit.id,
          version: counterpart.version,
          ...scorePair(
            job,
            profile,
            similarityOf(counterparts.index, vector, hit),
            this.options.weights,
            subjectMatcher ?? skillMatcherFor(profile),
          ),
        };
      })
      .sort(compareEntries);
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
 * Candidate sets up to this size are searched exactly (well under a millisecond: the search
 * section of bench/results/README.md); larger ones go through the HNSW graph with the filter.
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
