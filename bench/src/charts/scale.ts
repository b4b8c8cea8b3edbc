/** Scales map data values to pixels; ticks pick round values along them. */
export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
  ticks(count?: number): number[];
}

/** Linear; a domain of zero width is widened so every value still lands inside. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): Scale {
  let [d0, d1] = domain;
  if (d0 === d1) {
    d0 -= d0 === 0 ? 1 : Math.abs(d0) / 2;
    d1 += d1 === 0 ? 1 : Math.abs(d1) / 2;
  }
  const [r0, r1] = range;
  const scale = ((value: number) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0)) as Scale;
  return Object.assign(scale, {
    domain: [d0, d1] as const,
    ticks: (count = 5) => niceTicks(d0, d1, count),
  });
}

/** Base-10 logarithmic, for latencies spread over decades; the domain must be positive. */
export function logScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): Scale {
  if (!(domain[0] > 0 && domain[1] > 0)) throw new Error('a log scale needs a positive domain');
  let [d0, d1] = [Math.log10(domain[0]), Math.log10(domain[1])];
  if (d0 === d1) {
    d0 -= 0.5;
    d1 += 0.5;
  }
  const [r0, r1] = range;
  const scale = ((value: number) =>
    r0 + ((Math.log10(value) - d0) / (d1 - d0)) * (r1 - r0)) as Scale;
  return Object.assign(scale, {
    domain: [10 ** d0, 10 ** d1] as const,
    ticks: () => logTicks(10 ** d0, 10 ** d1),
  });
}

/** About `count` round values (1, 2 or 5 × a power of ten apart) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step); i * step <= max + step * 1e-9; i++) {
    // Rounded to the step's precision: 0.1 × 3 is 0.3 here, not 0.30000000000000004.
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

/** Powers of ten inside [min, max], with 2 and 5 between them when there are few decades. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  const decades = Math.log10(max) - Math.log10(min);
  const steps = decades <= 2 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of steps) {
      const value = Number((m * 10 ** e).toPrecision(12));
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push(value);
    }
  }
  return ticks;
}

/** The domain widened to the round ticks just outside it, so the axis ends on a labelled value. */
export function niceDomain(domain: readonly [number, number], count = 5): [number, number] {
  const [min, max] = domain;
  if (!(max > min)) return [min, max];
  const ticks = niceTicks(min, max, count);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : max - min;
  return [
    Number((Math.floor(min / step + 1e-9) * step).toPrecision(12)),
    Number((Math.ceil(max / step - 1e-9) * step).toPrecision(12)),
  ];
}

/** [min, max] of the values, or the fallback when there are none. */
export function extent(
  values: readonly number[],
  fallback: readonly [number, number],
): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [fallback[0], fallback[1]];
  return [Math.min(...finite), Math.max(...finite)];
}
