import {
  calibratedFloor,
  chooseDefault,
  compareConfig,
  floorEffect,
  judgeLever,
} from './quality-summary';

const bm25 = new Map([
  ['a', 0.2],
  ['b', 0.5],
]);
const fig = (set: string, p10: number, halfWidth = 0.01) => ({
  set,
  p10,
  p10Interval: { low: p10 - halfWidth, high: p10 + halfWidth },
});

describe('quality summary', () => {
  it('takes the worst ratio to BM25 across sets', () => {
    const c = compareConfig('x', [fig('a', 0.3), fig('b', 0.55)], bm25);
    expect(c.worstSet).toBe('b');
    expect(c.worstRatio).toBeCloseTo(1.1);
    expect(c.beatsBm25Everywhere).toBe(true);
  });

  it('never picks a configuration that loses to BM25 on a set, however good elsewhere', () => {
    const strongButLosing = compareConfig('strong', [fig('a', 0.6), fig('b', 0.45)], bm25);
    const modest = compareConfig('modest', [fig('a', 0.25), fig('b', 0.6)], bm25);
    const choice = chooseDefault([strongButLosing, modest]);
    expect(choice.chosen).toBe('modest');
    expect(choice.runnerUp).toBeNull();
  });

  it('picks by the worst case when the lead is outside the interval', () => {
    const first = compareConfig('first', [fig('a', 0.3), fig('b', 0.65)], bm25);
    const second = compareConfig('second', [fig('a', 0.29), fig('b', 0.58)], bm25);
    const choice = chooseDefault([second, first]);
    expect(choice.chosen).toBe('first');
    expect(choice.runnerUp).toBe('second');
    expect(choice.marginInsideInterval).toBe(false);
  });

  it('keeps the configuration listed first when the leader’s margin is inside its interval', () => {
    const listedFirst = compareConfig('simple', [fig('a', 0.3), fig('b', 0.6)], bm25);
    const leader = compareConfig('leader', [fig('a', 0.31, 0.05), fig('b', 0.61, 0.05)], bm25);
    const choice = chooseDefault([listedFirst, leader]);
    expect(choice.chosen).toBe('simple');
    expect(choice.runnerUp).toBe('leader');
    expect(choice.marginInsideInterval).toBe(true);
    expect(choice.reason).toMatch(/not a measured difference/);
  });

  it('has no default when nothing beats BM25 everywhere', () => {
    const c = compareConfig('x', [fig('a', 0.1), fig('b', 0.9)], bm25);
    expect(chooseDefault([c]).chosen).toBeNull();
  });

  it('calibrates a floor as the mean of the sets’ quantiles less the allowance, rounded down', () => {
    const ramp = (offset: number) => Array.from({ length: 99 }, (_, i) => offset + i / 1000);
    // 0.25 quantile: index 24 → 0.524 and 0.624; mean 0.574, less 0.1 → 0.47.
    expect(calibratedFloor([ramp(0.5), ramp(0.6)], 0.25, 0.1)).toBe(0.47);
    expect(calibratedFloor([ramp(0.5), ramp(0.6)], 0.25, 0)).toBe(0.57);
    expect(() => calibratedFloor([[0.5]])).toThrow(/99 quantiles/);
    expect(() => calibratedFloor([])).toThrow(/no set/);
  });

  it('counts what a floor keeps of each top 10', () => {
    const effect = floorEffect(
      [
        [0.9, 0.8, 0.7],
        [0.6, 0.5],
      ],
      0.75,
    );
    expect(effect.meanKeptPerJob).toBe(1);
    expect(effect.jobsLeftEmpty).toBe(0.5);
  });

  it('keeps a lever only when its worst case beats the shipped one beyond the interval', () => {
    // Shipped: worst on b (0.55 / 0.5 = 1.10), at most 0.56 / 0.5 = 1.12 within its interval.
    const shipped = compareConfig('shipped', [fig('a', 0.3), fig('b', 0.55)], bm25);
    const clear = judgeLever(
      compareConfig('clear', [fig('a', 0.295), fig('b', 0.6)], bm25),
      shipped,
    );
    expect(clear.worstRatioGain).toBeCloseTo(0.1);
    expect(clear.shippedWorstHigh).toBeCloseTo(1.12);
    expect(clear.beyondInterval).toBe(true);
    // Better worst case, but inside the shipped interval.
    const inside = judgeLever(
      compareConfig('inside', [fig('a', 0.3), fig('b', 0.558)], bm25),
      shipped,
    );
    expect(inside.worstRatioGain).toBeGreaterThan(0);
    expect(inside.beyondInterval).toBe(false);
    // Its worst case moves to a, but it falls below the shipped interval there.
    const trades = judgeLever(
      compareConfig('trades', [fig('a', 0.285), fig('b', 0.7)], bm25),
      shipped,
    );
    expect(trades.losesOn).toEqual(['a']);
    expect(trades.beyondInterval).toBe(false);
    // Inside the shipped interval on a, but the paired difference there is wholly below zero.
    const paired = judgeLever(
      compareConfig('paired', [fig('a', 0.295), fig('b', 0.6)], bm25),
      shipped,
      [
        { set: 'a', low: -0.009, high: -0.001 },
        { set: 'b', low: 0.03, high: 0.07 },
      ],
    );
    expect(paired.losesOn).toEqual(['a']);
    expect(paired.beyondInterval).toBe(false);
  });
});
