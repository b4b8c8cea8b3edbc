import type { RankedMatch } from '@matchstream/contracts';

/** A counterpart with its hybrid score against the ranking's subject. */
export interface ScoredCounterpart {
  id: string;
  version: number;
  score: number;
  explanation: RankedMatch['explanation'];
}

/** Best first; equal scores by id, so every node ranks the same set the same way. */
export function compareScored(
  a: { id: string; score: number },
  b: { id: string; score: number },
): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The top `k` of scored counterparts as ranked matches (1-based ranks). */
export function toRankedMatches(scored: readonly ScoredCounterpart[], k: number): RankedMatch[] {
  return [...scored]
    .sort(compareScored)
    .slice(0, k)
    .map((s, i) => ({
      rank: i + 1,
      counterpartId: s.id,
      counterpartVersion: s.version,
      score: s.score,
      explanation: s.explanation,
    }));
}
