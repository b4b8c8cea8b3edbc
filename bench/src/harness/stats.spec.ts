import {
  mean,
  percentile,
  percentileOfSorted,
  ratio,
  summarize,
  throughput,
  leastSquaresSlope,
} from './stats';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
  it('picks the value at rank ceil(p/100*n) of 1..100', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 90)).toBe(90);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 99.5)).toBe(100);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile(oneToHundred, 0.5)).toBe(1);
  });

  it('does not care about input order and never interpolates', () => {
    const shuffled = [...oneToHundred].reverse();
    expect(percentile(shuffled, 50)).toBe(50);
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20], 51)).toBe(20);
    expect(percentile([3, 1, 2, 4], 75)).toBe(3);
  });

  it('handles a single value and rejects bad input', () => {
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile([], 50)).toThrow(/empty/);
    expect(() => percentile([1, 2], 101)).toThrow(/\[0, 100\]/);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(/non-finite/);
    expect(() => percentileOfSorted([], 50)).toThrow(/empty/);
  });
});

describe('mean, throughput, ratio, summarize', () => {
  it('computes the mean', () => {
    expect(mean(oneToHundred)).toBe(50.5);
    expect(mean([2])).toBe(2);
    expect(() => mean([])).toThrow(/empty/);
  });

  it('turns count and milliseconds into items per second', () => {
    expect(throughput(500, 2000)).toBe(250);
    expect(throughput(0, 10)).toBe(0);
    expect(() => throughput(5, 0)).toThrow(/positive/);
  });

  it('returns null for a ratio that cannot be stated', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(Number.NaN, 1)).toBeNull();
  });

  it('summarises a sample', () => {
    expect(summarize([...oneToHundred].reverse())).toEqual({
      count: 100,
      min: 1,
      p50: 50,
      p90: 90,
      p99: 99,
      max: 100,
      mean: 50.5,
    });
  });
});

describe('leastSquaresSlope', () => {
  it('is the slope of a line through noisy points, NaN without spread in x', () => {
    expect(
      leastSquaresSlope([
        [0, 1],
        [1, 3.1],
        [2, 4.9],
        [3, 7],
      ]),
    ).toBeCloseTo(1.98, 2);
    expect(
      leastSquaresSlope([
        [1, 1],
        [1, 2],
      ]),
    ).toBeNaN();
  });
});
