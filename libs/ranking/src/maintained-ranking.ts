/** A counterpart and its hybrid score in a subject's maintained ranking. */
export interface RankEntry {
  id: string;
  score: number;
}

/**
 * A subject's ranking as it is maintained: the best qualifying counterparts, best first, kept a
 * little deeper than the published top K so that most removals need no new scan. Invariant:
 * - `exhaustive`: `entries` holds every qualifying counterpart (eligible, scoring at least the
 *   floor);
 * - otherwise every qualifying counterpart outside `entries` ranks after its last entry.
 */
export interface MaintainedRanking {
  entries: RankEntry[];
  exhaustive: boolean;
}

/**
 * - `changed`: the entries changed and the ranking is still exact;
 * - `unchanged`: nothing changed;
 * - `rescan`: fewer than K entries are known to be the best: only a new scan can tell who fills
 *   the gap (the ranking is left as it was, to be replaced).
 */
export type FoldOutcome = 'changed' | 'unchanged' | 'rescan';

/** Best first; equal scores by id, so every node ranks the same set the same way. */
export function compareEntries(a: RankEntry, b: RankEntry): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Whether a counterpart not in the ranking, with this score, would enter it: the admission test a
 * scan applies (with an upper bound of the score first, to skip scoring most pairs).
 */
export function admits(ranking: MaintainedRanking, entry: RankEntry): boolean {
  if (ranking.exhaustive) return true;
  const last = ranking.entries.at(-1);
  return last !== undefined && compareEntries(entry, last) < 0;
}

/** The lowest score that could still enter (-Infinity when anything qualifying enters). */
export function admissionScore(ranking: MaintainedRanking): number {
  return ranking.exhaustive ? -Infinity : (ranking.entries.at(-1)?.score ?? Infinity);
}

/**
 * Folds one counterpart's new score (null: no longer qualifying, or gone) into the ranking, in
 * place, keeping the invariant. `depth` bounds the entries kept; `k` is the published length.
 */
export function foldIntoRanking(
  ranking: MaintainedRanking,
  id: string,
  score: number | null,
  k: number,
  depth: number,
): FoldOutcome {
  const { entries } = ranking;
  const at = entries.findIndex((e) => e.id === id);
  if (at >= 0 && score !== null && entries[at].score === score) return 'unchanged';
  if (at < 0 && (score === null || !admits(ranking, { id, score }))) return 'unchanged';

  // Outsiders rank after the last entry as it was before this fold.
  const boundary = entries.at(-1);
  const next = at >= 0 ? entries.filter((_, i) => i !== at) : [...entries];
  if (score !== null) {
    const entry = { id, score };
    if (ranking.exhaustive || (boundary !== undefined && compareEntries(entry, boundary) <= 0)) {
      insertSorted(next, entry);
    }
  }
  let exhaustive = ranking.exhaustive;
  if (next.length > depth) {
    next.length = depth;
    exhaustive = false;
  }
  if (!exhaustive && next.length < k) return 'rescan';
  ranking.entries = next;
  ranking.exhaustive = exhaustive;
  return 'changed';
}

/** The top `depth` of scored counterparts as a maintained ranking (the result of a full scan). */
export function rankingFromScan(scored: RankEntry[], depth: number): MaintainedRanking {
  const entries = [...scored].sort(compareEntries);
  const exhaustive = entries.length <= depth;
  if (!exhaustive) entries.length = depth;
  return { entries, exhaustive };
}

function insertSorted(entries: RankEntry[], entry: RankEntry): void {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareEntries(entries[mid], entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  entries.splice(lo, 0, entry);
}
