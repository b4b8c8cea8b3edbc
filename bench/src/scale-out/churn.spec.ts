import { Rng } from '../harness/rng';
import {
  ChurnCycle,
  churnCounts,
  churnKinds,
  describeChurnMix,
  describeKinds,
  kindCounts,
  parseChurnMix,
  planBurst,
} from './churn';

describe('parseChurnMix', () => {
  it('reads update/new/removal weights as shares', () => {
    expect(parseChurnMix('70/15/15')).toEqual({ update: 0.7, add: 0.15, remove: 0.15 });
    expect(parseChurnMix('2/1/1')).toEqual({ update: 0.5, add: 0.25, remove: 0.25 });
    expect(parseChurnMix('100/0/0')).toEqual({ update: 1, add: 0, remove: 0 });
    expect(describeChurnMix(parseChurnMix('70/15/15'))).toBe('70/15/15');
  });

  it('refuses anything else', () => {
    for (const bad of ['70/30', '70/15/15/0', '70/x/15', '70//15', '-1/1/1', '0/0/0']) {
      expect(() => parseChurnMix(bad)).toThrow('--scale-out-churn');
    }
  });
});

describe('churnCounts', () => {
  it('gives exact counts that sum to the total (largest remainder)', () => {
    const mix = parseChurnMix('70/15/15');
    expect(churnCounts(400, mix)).toEqual({ update: 280, add: 60, remove: 60 });
    expect(churnCounts(20, mix)).toEqual({ update: 14, add: 3, remove: 3 });
    const odd = churnCounts(7, mix);
    expect(odd.update + odd.add + odd.remove).toBe(7);
    expect(odd).toEqual({ update: 5, add: 1, remove: 1 });
    expect(churnCounts(0, mix)).toEqual({ update: 0, add: 0, remove: 0 });
  });
});

describe('churnKinds', () => {
  it('has the exact counts in a seeded order', () => {
    const mix = parseChurnMix('70/15/15');
    const kinds = churnKinds(400, mix, Rng.seeded(1, 'churn'));
    expect(kinds.filter((k) => k === 'add')).toHaveLength(60);
    expect(kinds.filter((k) => k === 'remove')).toHaveLength(60);
    expect(churnKinds(400, mix, Rng.seeded(1, 'churn'))).toEqual(kinds);
    // Interleaved, not in blocks: removals show up in the first quarter.
    expect(kinds.slice(0, 100)).toContain('remove');
  });
});

describe('ChurnCycle', () => {
  it('visits the live entities in turn and skips the removed for good', () => {
    const cycle = new ChurnCycle(['a', 'b', 'c']);
    expect([cycle.next(), cycle.next()]).toEqual(['a', 'b']);
    cycle.remove('c');
    cycle.add('d');
    expect(cycle.live).toBe(3);
    expect([cycle.next(), cycle.next(), cycle.next(), cycle.next()]).toEqual(['d', 'a', 'b', 'd']);
  });

  it('skips what the caller excludes, and says so when nothing is left', () => {
    const cycle = new ChurnCycle(['a', 'b']);
    expect(cycle.next(new Set(['a']))).toBe('b');
    expect(() => cycle.next(new Set(['a', 'b']))).toThrow('no live entity');
    cycle.remove('a');
    cycle.remove('b');
    expect(cycle.live).toBe(0);
    expect(() => cycle.next()).toThrow('no live entity');
  });
});

describe('planBurst', () => {
  it('changes each entity at most once, creates new ones and removes from the cycle', () => {
    const cycle = new ChurnCycle(['a', 'b', 'c', 'd', 'e']);
    let made = 0;
    const plan = planBurst(
      ['update', 'add', 'remove', 'update', 'update', 'remove'],
      cycle,
      () => `new-${made++}`,
    );
    // The new entity joins the cycle's end but is not picked again in the burst that made it.
    expect(plan).toEqual([
      { kind: 'update', subject: 'a' },
      { kind: 'add', subject: 'new-0' },
      { kind: 'remove', subject: 'b' },
      { kind: 'update', subject: 'c' },
      { kind: 'update', subject: 'd' },
      { kind: 'remove', subject: 'e' },
    ]);
    expect(cycle.live).toBe(4);
    // The next burst goes on from there: new-0, then round again past the removed.
    expect(
      planBurst(['update', 'update', 'update'], cycle, () => 'x').map((c) => c.subject),
    ).toEqual(['new-0', 'a', 'c']);
  });

  it('refuses a burst larger than what it may touch', () => {
    const cycle = new ChurnCycle(['a', 'b']);
    expect(() => planBurst(['update', 'update', 'update'], cycle, () => 'x')).toThrow(
      'no live entity',
    );
  });
});

describe('kindCounts and describeKinds', () => {
  it('counts events and answers per kind, naming only the kinds present', () => {
    const counts = kindCounts([
      { kind: 'update', seen: 1 },
      { kind: 'update', seen: Number.NaN },
      { kind: 'remove', seen: 3 },
    ]);
    expect(counts).toEqual({
      update: { events: 2, answered: 1 },
      add: { events: 0, answered: 0 },
      remove: { events: 1, answered: 1 },
    });
    expect(describeKinds(counts)).toBe('1/2 updates, 1/1 removals');
    expect(describeKinds(undefined)).toBe('updates');
  });
});
