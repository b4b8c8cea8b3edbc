import { cdfFromSummary, cdfPoints } from './cdf';

describe('cdfPoints', () => {
  it('steps from (min, 0) through every value to (max, 1)', () => {
    expect(cdfPoints([30, 10, 20, 40])).toEqual([
      [10, 0],
      [10, 0.25],
      [20, 0.5],
      [30, 0.75],
      [40, 1],
    ]);
  });

  it('thins a long sample to the steps asked for, ending at the maximum', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const points = cdfPoints(values, 10);
    expect(points).toHaveLength(11);
    expect(points[5]).toEqual([500, 0.5]);
    expect(points.at(-1)).toEqual([1000, 1]);
  });

  it('is empty for an empty sample, and ignores values that are not finite', () => {
    expect(cdfPoints([])).toEqual([]);
    expect(cdfPoints([NaN, 5])).toEqual([
      [5, 0],
      [5, 1],
    ]);
  });

  it("reads a summary's percentiles as five points", () => {
    expect(
      cdfFromSummary({ count: 9, min: 1, p50: 5, p90: 8, p99: 9, max: 9, mean: 5 }).map(
        ([, share]) => share,
      ),
    ).toEqual([0, 0.5, 0.9, 0.99, 1]);
  });
});
