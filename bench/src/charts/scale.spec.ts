import { extent, linearScale, logScale, logTicks, niceTicks } from './scale';

describe('chart scales', () => {
  it('maps a linear domain onto the range, inverted for y', () => {
    const y = linearScale([0, 10], [300, 100]);
    expect(y(0)).toBe(300);
    expect(y(10)).toBe(100);
    expect(y(5)).toBe(200);
  });

  it('widens a zero-width domain so its one value lands inside', () => {
    const x = linearScale([4, 4], [0, 100]);
    expect(x(4)).toBe(50);
    expect(linearScale([0, 0], [0, 100])(0)).toBe(50);
  });

  it('maps decades evenly on a log scale, and refuses a domain that is not positive', () => {
    const x = logScale([1, 1000], [0, 300]);
    expect(x(1)).toBeCloseTo(0);
    expect(x(10)).toBeCloseTo(100);
    expect(x(1000)).toBeCloseTo(300);
    expect(() => logScale([0, 10], [0, 1])).toThrow(/positive/);
  });

  it('picks round ticks without float noise', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(13, 87, 4)).toEqual([20, 40, 60, 80]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(niceTicks(1, 0)).toEqual([]);
  });

  it('puts log ticks on powers of ten, with 2 and 5 between over few decades', () => {
    expect(logTicks(1, 10000)).toEqual([1, 10, 100, 1000, 10000]);
    expect(logTicks(3, 60)).toEqual([5, 10, 20, 50]);
  });

  it('takes the extent of finite values, or the fallback', () => {
    expect(extent([3, NaN, -1, 7], [0, 1])).toEqual([-1, 7]);
    expect(extent([], [0, 1])).toEqual([0, 1]);
  });
});
