import { seededRandom } from '@matchstream/testing';
import {
  admissionScore,
  admits,
  compareEntries,
  foldIntoRanking,
  rankingFromScan,
} from './maintained-ranking';
import type { MaintainedRanking, RankEntry } from './maintained-ranking';

const K = 3;
const DEPTH = 5;

function ranking(exhaustive: boolean, ...entries: [string, number][]): MaintainedRanking {
  return { entries: entries.map(([id, score]) => ({ id, score })), exhaustive };
}
const ids = (r: MaintainedRanking) => r.entries.map((e) => e.id);

describe('foldIntoRanking', () => {
  it('admits anything qualifying while the ranking holds every qualifying counterpart', () => {
    const r = ranking(true, ['a', 0.9], ['b', 0.5]);
    expect(admits(r, { id: 'n', score: 0.1 })).toBe(true);
    expect(admissionScore(r)).toBe(-Infinity);
    expect(foldIntoRanking(r, 'n', 0.1, K, DEPTH)).toBe('changed');
    expect(ids(r)).toEqual(['a', 'b', 'n']);
  });

  it('drops the last entry past the depth and stops being exhaustive', () => {
    const r = ranking(true, ['a', 0.9], ['b', 0.8], ['c', 0.7], ['d', 0.6], ['e', 0.5]);
    expect(foldIntoRanking(r, 'n', 0.85, K, DEPTH)).toBe('changed');
    expect(ids(r)).toEqual(['a', 'n', 'b', 'c', 'd']);
    expect(r.exhaustive).toBe(false);
    expect(admissionScore(r)).toBe(0.6);
  });

  it('ignores a newcomer ranking after the last entry of a truncated ranking', () => {
    const r = ranking(false, ['a', 0.9], ['b', 0.8], ['c', 0.7], ['d', 0.6]);
    expect(foldIntoRanking(r, 'n', 0.6, K, DEPTH)).toBe('unchanged'); // 'n' > 'd' on the tie
    expect(foldIntoRanking(r, 'c2', 0.6, K, DEPTH)).toBe('changed'); // 'c2' < 'd' on the tie
    expect(ids(r)).toEqual(['a', 'b', 'c', 'c2', 'd']);
  });

  it('absorbs removals from its reserve, and asks for a rescan once fewer than K are known', () => {
    const r = ranking(false, ['a', 0.9], ['b', 0.8], ['c', 0.7], ['d', 0.6]);
    expect(foldIntoRanking(r, 'a', null, K, DEPTH)).toBe('changed');
    expect(ids(r)).toEqual(['b', 'c', 'd']);
    expect(foldIntoRanking(r, 'b', null, K, DEPTH)).toBe('rescan');
    expect(ids(r)).toEqual(['b', 'c', 'd']); // left as it was, to be replaced
  });

  it('drops an entry that fell behind the boundary: an outsider may rank before it now', () => {
    const r = ranking(false, ['a', 0.9], ['b', 0.8], ['c', 0.7], ['d', 0.6]);
    expect(foldIntoRanking(r, 'a', 0.5, K, DEPTH)).toBe('changed');
    expect(ids(r)).toEqual(['b', 'c', 'd']);
  });

  it('stays exact against a brute-force ranking through random changes', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = seededRandom(seed);
      const universe = Array.from({ length: 25 }, (_, i) => `c${i}`);
      const scores = new Map<string, number>();
      const truth = (): RankEntry[] =>
        [...scores].map(([id, score]) => ({ id, score })).sort(compareEntries);
      let r = rankingFromScan([], DEPTH);
      for (let step = 0; step < 2000; step++) {
        const id = universe[Math.floor(random() * universe.length)];
        // Coarse scores make ties common.
        const score = random() < 0.25 ? null : Math.round(random() * 20) / 20;
        if (score === null) scores.delete(id);
        else scores.set(id, score);
        const outcome = foldIntoRanking(r, id, score, K, DEPTH);
        if (outcome === 'rescan') r = rankingFromScan(truth(), DEPTH);

        const expected = truth();
        expect(r.entries.slice(0, K)).toEqual(expected.slice(0, K));
        // The invariant: exhaustive means everything; otherwise a prefix of the truth.
        if (r.exhaustive) expect(r.entries).toEqual(expected);
        else expect(r.entries).toEqual(expected.slice(0, r.entries.length));
      }
    }
  });
});
