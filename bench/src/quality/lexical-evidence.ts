/**
 * Lexical evidence for the hybrid score (issue 19's lever): terms in [0, 1] computed from the job
 * and the profile alone, or from them and a fixed table, so that the matching service's exact
 * incremental maintenance survives (a pair's score changes only when one of its two entities
 * does, and the maintenance bound simply gains the term's weight). BM25 with live corpus
 * statistics is measured beside them as the reference they approximate, not as a candidate: its
 * idf, average length and per-job maximum move with every profile added or removed.
 *
 * Tokens are BM25's baseline ones (bm25Tokens: lower case [a-z0-9]+, two characters or more, the
 * baseline's stopwords, no stemming). Each of the job's terms counts once, as in the baseline.
 */
import { bm25Tokens } from './bm25';

/** A document's term frequencies and length in tokens. */
export interface TermCounts {
  readonly counts: ReadonlyMap<string, number>;
  readonly length: number;
}

export function termCounts(text: string): TermCounts {
  const counts = new Map<string, number>();
  const tokens = bm25Tokens(text);
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return { counts, length: tokens.length };
}

/** The distinct terms of a job's text, in order of first appearance. */
export function queryTerms(text: string): string[] {
  return [...new Set(bm25Tokens(text))];
}

/**
 * A fixed table of term weights and the document length BM25 normalises by: data shipped with
 * the service (or frozen once), never the live corpus.
 */
export interface TermWeights {
  weight(term: string): number;
  readonly averageLength: number;
}

/**
 * Lucene's idf over a reference corpus, frozen: log(1 + (N − n + 0.5) / (n + 0.5)), a term the
 * reference never saw weighing as one in no document. Frozen from the ranked corpus itself it is
 * what an epoch freeze gives at the moment of freezing (then equal to the live BM25's idf).
 */
export function documentFrequencyWeights(documents: readonly string[]): TermWeights {
  const df = new Map<string, number>();
  let totalLength = 0;
  for (const d of documents) {
    const { counts, length } = termCounts(d);
    totalLength += length;
    for (const t of counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const n = documents.length;
  const idf = (count: number) => Math.log(1 + (n - count + 0.5) / (count + 0.5));
  const unseen = idf(0);
  return {
    weight: (term) => {
      const count = df.get(term);
      return count === undefined ? unseen : idf(count);
    },
    averageLength: totalLength / Math.max(1, n),
  };
}

/**
 * Weights from a general word-frequency list (word, corpus count): each term's information
 * content, ln((total + V) / (count + 1)) with V the list's size (add-one smoothing), so a word the
 * list lacks weighs most. `averageLength` is the document length BM25 normalises by, fixed.
 */
export function frequencyListWeights(
  entries: readonly { word: string; count: number }[],
  averageLength: number,
): TermWeights {
  const counts = new Map<string, number>();
  let total = 0;
  for (const { word, count } of entries) {
    const w = word.toLowerCase();
    counts.set(w, (counts.get(w) ?? 0) + count);
    total += count;
  }
  const scale = total + counts.size;
  return {
    weight: (term) => Math.log(scale / ((counts.get(term) ?? 0) + 1)),
    averageLength,
  };
}

export const K1 = 1.2;
export const B = 0.75;

/**
 * BM25 of the job's terms in the profile (k1 1.2; b 0.75 with the table's average length, or b 0
 * and every weight 1 without a table: nothing but the pair), divided by the most those terms could
 * score (each one's weight · (k1 + 1), every term present without limit): in [0, 1), and a
 * function of the pair and the table only.
 */
export function saturatedTermScore(
  terms: readonly string[],
  profile: TermCounts,
  weights: TermWeights | null,
): number {
  const b = weights ? B : 0;
  const norm = K1 * (1 - b + (weights ? (b * profile.length) / weights.averageLength : 0));
  let score = 0;
  let most = 0;
  for (const term of terms) {
    const w = weights ? weights.weight(term) : 1;
    most += w;
    const f = profile.counts.get(term) ?? 0;
    if (f > 0) score += (w * f) / (f + norm);
  }
  // Each term's share f(k1 + 1)/(f + norm) over its most, k1 + 1: f / (f + norm).
  return most > 0 ? score / most : 0;
}

/**
 * Share of the job's distinct terms (a title's, say) that the profile's text (its headline, say)
 * contains; with a table, each term counts by its weight: Σ found w / Σ w.
 */
export function termOverlap(
  terms: readonly string[],
  profile: TermCounts,
  weights: TermWeights | null = null,
): number {
  let found = 0;
  let all = 0;
  for (const t of terms) {
    const w = weights ? weights.weight(t) : 1;
    all += w;
    if (profile.counts.has(t)) found += w;
  }
  return all > 0 ? found / all : 0;
}

/**
 * The hybrid score with a lexical term of weight `weight` beside it, every existing weight scaled
 * by 1 − weight (they still sum to 1): (1 − w)·hybrid + w·lexical, rounded to 4 decimals as the
 * service's score is. Equal to scoring with the scaled weights and the term up to the rounding of
 * each contribution (below 0.0004). Its bound is (1 − w)·(the hybrid's bound) + w.
 */
export function blendLexical(hybrid: number, lexical: number, weight: number): number {
  if (!(weight >= 0 && weight <= 1)) throw new Error(`lexical weight ${weight} is outside 0..1`);
  return Math.round(((1 - weight) * hybrid + weight * lexical) * 10000) / 10000;
}
