import { Bm25Index } from './bm25';
import {
  blendLexical,
  documentFrequencyWeights,
  frequencyListWeights,
  queryTerms,
  saturatedTermScore,
  termCounts,
  termOverlap,
} from './lexical-evidence';

// A tiny fixture: three profiles, one job.
const PROFILES = [
  'Java developer: Java, Spring and SQL services',
  'Nurse on a surgical ward',
  'Python developer building data pipelines',
];
const JOB = 'Senior Java Developer. Spring and SQL.';

describe('lexical evidence', () => {
  it("takes the job's distinct terms and the profile's counts as BM25's baseline tokenises", () => {
    expect(queryTerms(JOB)).toEqual(['senior', 'java', 'developer', 'spring', 'sql']);
    const counts = termCounts(PROFILES[0]);
    expect(counts.counts.get('java')).toBe(2);
    expect(counts.length).toBe(6);
  });

  it('overlap is the share of the job terms the profile contains', () => {
    const title = queryTerms('Senior Java Developer');
    expect(termOverlap(title, termCounts(PROFILES[0]))).toBeCloseTo(2 / 3, 12);
    expect(termOverlap(title, termCounts(PROFILES[1]))).toBe(0);
    expect(termOverlap([], termCounts(PROFILES[0]))).toBe(0);
  });

  it('weighted overlap counts each job term by its weight', () => {
    const weights = documentFrequencyWeights(PROFILES);
    const title = queryTerms('Senior Java Developer');
    const [senior, java, developer] = title.map((t) => weights.weight(t));
    // developer is in two profiles, java in one, senior in none.
    expect(java).toBeGreaterThan(developer);
    expect(termOverlap(title, termCounts(PROFILES[0]), weights)).toBeCloseTo(
      (java + developer) / (senior + java + developer),
      12,
    );
    expect(termOverlap(title, termCounts(PROFILES[2]), weights)).toBeCloseTo(
      developer / (senior + java + developer),
      12,
    );
  });

  it('the saturated score without weights is the mean of f / (f + k1) over the job terms', () => {
    const terms = queryTerms(JOB);
    // java 2, developer 1, spring 1, sql 1, senior 0; k1 1.2, b 0.
    const expected = (2 / 3.2 + 1 / 2.2 + 1 / 2.2 + 1 / 2.2) / 5;
    expect(saturatedTermScore(terms, termCounts(PROFILES[0]), null)).toBeCloseTo(expected, 12);
    expect(saturatedTermScore(terms, termCounts(PROFILES[1]), null)).toBe(0);
    expect(saturatedTermScore([], termCounts(PROFILES[0]), null)).toBe(0);
  });

  it('with frozen idf it is BM25 over its most, and orders profiles as BM25 does', () => {
    const weights = documentFrequencyWeights(PROFILES);
    const terms = queryTerms(JOB);
    const scores = PROFILES.map((p) => saturatedTermScore(terms, termCounts(p), weights));
    const bm25 = new Bm25Index(PROFILES).scores(terms.join(' '));
    const most = terms.reduce((sum, t) => sum + weights.weight(t) * 2.2, 0);
    scores.forEach((s, i) => expect(s).toBeCloseTo(bm25[i] / most, 12));
    for (const s of scores) expect(s >= 0 && s < 1).toBe(true);
    expect(scores[0]).toBeGreaterThan(scores[2]);
    expect(scores[2]).toBeGreaterThan(scores[1]);
  });

  it('a frozen table does not move when the ranked corpus does: the score is the pair’s', () => {
    const weights = documentFrequencyWeights(PROFILES);
    const before = saturatedTermScore(queryTerms(JOB), termCounts(PROFILES[2]), weights);
    PROFILES.push('Another Java developer');
    try {
      expect(saturatedTermScore(queryTerms(JOB), termCounts(PROFILES[2]), weights)).toBe(before);
    } finally {
      PROFILES.pop();
    }
  });

  it('a word-frequency list weighs rare and unlisted words above common ones', () => {
    const weights = frequencyListWeights(
      [
        { word: 'Developer', count: 90 },
        { word: 'java', count: 9 },
      ],
      10,
    );
    expect(weights.weight('java')).toBeGreaterThan(weights.weight('developer'));
    expect(weights.weight('sql')).toBeGreaterThan(weights.weight('java'));
    expect(weights.weight('developer')).toBeCloseTo(Math.log(101 / 91), 12);
  });

  it('the blend scales the hybrid score to make room for the term, and stays in [0, 1]', () => {
    expect(blendLexical(0.8, 0.5, 0)).toBe(0.8);
    expect(blendLexical(0.8, 0.5, 0.2)).toBe(0.74);
    expect(blendLexical(1, 1, 0.3)).toBe(1);
    expect(blendLexical(0, 0, 0.3)).toBe(0);
    expect(() => blendLexical(0.8, 0.5, 1.5)).toThrow(/outside/);
  });
});
