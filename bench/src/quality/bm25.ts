/**
 * The lexical baseline, as the dev set's baseline.py computes it (so the figure can be checked
 * against the set's README): BM25 with k1 = 1.2, b = 0.75 and Lucene's idf over lower-case
 * `[a-z0-9]+` tokens of two characters or more, a small stopword list, no stemming; each query
 * term counted once; ties broken by document order.
 */
const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each etc few for from further had has have
having he her here hers him his how i if in into is it its itself just me more most my no nor not now of
off on once only or other our ours out over own same she should so some such than that the their theirs
them then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours`.split(/\s+/),
);

export function bm25Tokens(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter(
    (t) => t.length > 1 && !STOPWORDS.has(t),
  );
}

export class Bm25Index {
  private readonly postings = new Map<string, { doc: number; weight: number }[]>();
  readonly size: number;

  constructor(documents: readonly string[], k1 = 1.2, b = 0.75) {
    this.size = documents.length;
    const termFrequencies = documents.map((d) => {
      const tf = new Map<string, number>();
      for (const t of bm25Tokens(d)) tf.set(t, (tf.get(t) ?? 0) + 1);
      return tf;
    });
    const lengths = termFrequencies.map((tf) => [...tf.values()].reduce((a, c) => a + c, 0));
    const averageLength = lengths.reduce((a, c) => a + c, 0) / this.size;
    const df = new Map<string, number>();
    for (const tf of termFrequencies) for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    termFrequencies.forEach((tf, doc) => {
      const norm = k1 * (1 - b + (b * lengths[doc]) / averageLength);
      for (const [term, f] of tf) {
        const n = df.get(term) ?? 0;
        const idf = Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc, weight: (idf * f * (k1 + 1)) / (f + norm) });
      }
    });
  }

  /** Every document's score for the query, by document index. */
  scores(query: string): Float64Array {
    const scores = new Float64Array(this.size);
    for (const term of new Set(bm25Tokens(query))) {
      for (const { doc, weight } of this.postings.get(term) ?? []) scores[doc] += weight;
    }
    return scores;
  }

  /** Document indexes, best first (ties by index). */
  rank(query: string): number[] {
    const scores = this.scores(query);
    return [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b);
  }
}
