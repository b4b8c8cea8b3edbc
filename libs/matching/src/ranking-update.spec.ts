import type { RankedMatch } from '@matchstream/contracts';
import { foldIntoRanking, toRankedMatches } from './ranking-update';
import type { ScoredCounterpart } from './ranking-update';

const explanation = {
  similarity: 0,
  matchedRequiredSkills: [],
  missingRequiredSkills: [],
  matchedNiceToHaveSkills: [],
  seniorityFit: 'exact',
  constraints: [],
  summary: '',
} as unknown as RankedMatch['explanation'];

const scored = (id: string, score: number): ScoredCounterpart => ({
  id,
  version: 1,
  score,
  explanation,
});
const ranking = (...entries: [string, number][]) =>
  toRankedMatches(
    entries.map(([id, score]) => scored(id, score)),
    10,
  );
const ids = (update: ReturnType<typeof foldIntoRanking>) =>
  update.kind === 'updated'
    ? update.matches.map((m) => `${m.rank}:${m.counterpartId}`)
    : update.kind;

describe('foldIntoRanking', () => {
  const full = ranking(['a', 0.9], ['b', 0.7], ['c', 0.5]);

  it('inserts a newcomer that beats the last entry, and drops the last', () => {
    expect(ids(foldIntoRanking(full, { id: 'n', scored: scored('n', 0.8) }, 3))).toEqual([
      '1:a',
      '2:n',
      '3:b',
    ]);
  });

  it('leaves a full ranking unchanged by a newcomer below its last entry', () => {
    expect(foldIntoRanking(full, { id: 'n', scored: scored('n', 0.4) }, 3)).toEqual({
      kind: 'unchanged',
    });
  });

  it('breaks equal scores by id, as a fresh ranking does', () => {
    expect(ids(foldIntoRanking(full, { id: 'bb', scored: scored('bb', 0.5) }, 3))).toEqual([
      '1:a',
      '2:b',
      '3:bb',
    ]);
    expect(foldIntoRanking(full, { id: 'd', scored: scored('d', 0.5) }, 3).kind).toBe('unchanged');
  });

  it('adds anyone eligible to a ranking that is not full', () => {
    expect(
      ids(foldIntoRanking(ranking(['a', 0.9]), { id: 'n', scored: scored('n', 0.1) }, 3)),
    ).toEqual(['1:a', '2:n']);
  });

  it('moves a listed entry that gains or keeps ground ahead of another listed entry', () => {
    expect(ids(foldIntoRanking(full, { id: 'c', scored: scored('c', 0.95) }, 3))).toEqual([
      '1:c',
      '2:a',
      '3:b',
    ]);
    expect(ids(foldIntoRanking(full, { id: 'a', scored: scored('a', 0.6) }, 3))).toEqual([
      '1:b',
      '2:a',
      '3:c',
    ]);
  });

  it('asks for a search when a listed entry falls to the last place of a full ranking', () => {
    // Someone outside the list may now score between 0.3 and 0.5.
    expect(foldIntoRanking(full, { id: 'a', scored: scored('a', 0.3) }, 3)).toEqual({
      kind: 'recompute',
    });
    // The last entry gaining ground stays exact.
    expect(ids(foldIntoRanking(full, { id: 'c', scored: scored('c', 0.55) }, 3))).toEqual([
      '1:a',
      '2:b',
      '3:c',
    ]);
    expect(foldIntoRanking(full, { id: 'c', scored: scored('c', 0.45) }, 3).kind).toBe('recompute');
  });

  it('asks for a search when an entry leaves a full ranking, and shortens one that is not', () => {
    expect(foldIntoRanking(full, { id: 'b', scored: null }, 3)).toEqual({ kind: 'recompute' });
    expect(ids(foldIntoRanking(full, { id: 'b', scored: null }, 4))).toEqual(['1:a', '2:c']);
    expect(foldIntoRanking(full, { id: 'z', scored: null }, 3)).toEqual({ kind: 'unchanged' });
  });

  it('with k = 1, keeps the only entry only when it did not lose ground', () => {
    const one = ranking(['a', 0.5]);
    expect(ids(foldIntoRanking(one, { id: 'a', scored: scored('a', 0.6) }, 1))).toEqual(['1:a']);
    expect(foldIntoRanking(one, { id: 'a', scored: scored('a', 0.4) }, 1).kind).toBe('recompute');
  });
});
