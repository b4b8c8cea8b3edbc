import type { RankedMatch } from '@matchstream/contracts';
import { compareEntries } from './maintained-ranking';

/** A counterpart with its hybrid score against the ranking's subject. */
export interface ScoredCounterpart {
  id: string;
  version: number;
  score: number;
  explanation: RankedMatch['explanation'];
}

/** The top `k` of scored counterparts as ranked matches (1-based ranks). */
export function toRankedMatches(scored: readonly ScoredCounterpart[], k: number): RankedMatch[] {
  return [...scored]
    .sort(compareEntries)
    .slice(0, k)
    .map((s, i) => ({
      rank: i + 1,
      counterpartId: s.id,
      counterpartVersion: s.version,
      score: s.score,
      explanation: s.explanation,
    }));
}
