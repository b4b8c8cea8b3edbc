import type { RankedMatch } from '@matchstream/contracts';

/** A counterpart with its hybrid score against the ranking's subject. */
export interface ScoredCounterpart {
  id: string;
  version: number;
  score: number;
  explanation: RankedMatch['explanation'];
}

/**
 * The outcome of folding one counterpart's new score into an existing top-K ranking:
 * - `updated`: the new ranking (exact, given that the old one was);
 * - `unchanged`: the counterpart neither was nor enters the top K;
 * - `recompute`: the answer depends on entities outside the list (the counterpart left a full list,
 *   or fell to its last place), so only a new search can tell who fills the gap.
 */
export type RankingUpdate =
  { kind: 'updated'; matches: RankedMatch[] } | { kind: 'unchanged' } | { kind: 'recompute' };

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

/**
 * Folds one counterpart's change into a subject's top-`k` ranking without searching again: the
 * incremental update that keeps the cost of a new job proportional to the profiles it affects,
 * not to a re-ranking of each of them.
 *
 * `current` must be exact: every counterpart outside it scores at most its last entry (or it holds
 * every eligible counterpart when shorter than k). `change` is the counterpart's new score, or
 * null when it is no longer eligible (or gone). The result keeps that invariant.
 */
export function foldIntoRanking(
  current: readonly RankedMatch[],
  change: { id: string; scored: ScoredCounterpart | null },
  k: number,
): RankingUpdate {
  const others = current.filter((m) => m.counterpartId !== change.id);
  const wasListed = others.length !== current.length;
  const full = current.length >= k;
  const { scored } = change;

  if (scored === null) {
    if (!wasListed) return { kind: 'unchanged' };
    // A full list lost an entry: who is next is unknown here.
    if (full) return { kind: 'recompute' };
    return { kind: 'updated', matches: rerank(others) };
  }

  const last = others.at(-1);
  const ranksAfterLast = last !== undefined && compareScored(scored, asScored(last)) > 0;
  if (wasListed && full) {
    // Everyone outside the list ranks after its old last entry. Still safe when the counterpart
    // stays ahead of another listed entry or did not lose ground; otherwise an outsider may now
    // beat it.
    const old = current.find((m) => m.counterpartId === change.id)!;
    const lostGround = compareScored(scored, asScored(old)) > 0;
    if (lostGround && (last === undefined || ranksAfterLast)) return { kind: 'recompute' };
  } else if (!wasListed && full && ranksAfterLast) {
    return { kind: 'unchanged' };
  }
  const entry: RankedMatch = {
    rank: 0,
    counterpartId: scored.id,
    counterpartVersion: scored.version,
    score: scored.score,
    explanation: scored.explanation,
  };
  const merged = [...others, entry].sort((a, b) => compareScored(asScored(a), asScored(b)));
  return { kind: 'updated', matches: rerank(merged.slice(0, k)) };
}

function asScored(m: RankedMatch): { id: string; score: number } {
  return { id: m.counterpartId, score: m.score };
}

function rerank(matches: readonly RankedMatch[]): RankedMatch[] {
  return matches.map((m, i) => (m.rank === i + 1 ? m : { ...m, rank: i + 1 }));
}
