import type { EntityType } from '@matchstream/contracts';
import type { EntityState } from '@matchstream/ranking';
import { DEFAULT_WEIGHTS, isEligible, scorePair } from '@matchstream/scoring';
import type { JobFields, ProfileFields, ScoringWeights } from '@matchstream/scoring';
import { dotProduct } from '@matchstream/vector-index';

/**
 * A subject's ranking by its definition, computed the slow way and independently of the
 * maintainer's code: every eligible counterpart scored with scorePair over the float dot product,
 * the floor applied, best first, ties by id. Every qualifying counterpart, not just the top K.
 */
export function bruteForceRanking(
  state: EntityState,
  type: EntityType,
  id: string,
  options: { minScore?: number; weights?: ScoringWeights } = {},
): { id: string; score: number }[] {
  const { minScore = 0, weights = DEFAULT_WEIGHTS } = options;
  const side = state.side(type);
  const other = state.side(type === 'job' ? 'profile' : 'job');
  const subject = side.entities.get(id)!;
  const vector = side.index.getVector(id)!;
  return [...other.entities.values()]
    .flatMap((counterpart) => {
      const [job, profile] = (
        type === 'job'
          ? [subject.document, counterpart.document]
          : [counterpart.document, subject.document]
      ) as [JobFields, ProfileFields];
      if (!isEligible(job, profile)) return [];
      const theirs = other.index.getVector(counterpart.id)!;
      const similarity = dotProduct(vector, 0, theirs, 0, vector.length);
      const { score } = scorePair(job, profile, similarity, weights);
      return score >= minScore ? [{ id: counterpart.id, score }] : [];
    })
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
