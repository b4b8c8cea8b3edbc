/**
 * The scale-out section's command-line options, shared by `npm run bench` (which runs the section
 * last) and `npm run bench:scale-out` (the section alone).
 */
import { readFileSync } from 'node:fs';
import { positive } from '../harness/cli';

export const SCALE_OUT_USAGE = `  --scale-out-instances A,B,C
                      matching instance counts, in order (default 1,2,3); repeat them to
                      interleave against drifting load (1,2,3,1,2,3); "none" skips the section
  --scale-out-population N
                      entities per side (default 2000)
  --scale-out-backlog N
                      updates in the capacity backlog (default 400)
  --scale-out-seconds S
                      seconds of the steady run per instance count (default 20)
  --scale-out-rate R  updates per second in the steady run (default 60% of the first count's
                      capacity, the same rate for every count)`;

/** parseArgs option definitions (all strings, parsed by scaleOutSettings). */
export const SCALE_OUT_ARGS = {
  'scale-out-instances': { type: 'string', default: '1,2,3' },
  'scale-out-population': { type: 'string', default: '2000' },
  'scale-out-backlog': { type: 'string', default: '400' },
  'scale-out-seconds': { type: 'string', default: '20' },
  'scale-out-rate': { type: 'string' },
} as const;

export interface ScaleOutSettings {
  /** Instance counts, run in this order (e.g. [1, 2, 3]); empty: the section is skipped. */
  instances: number[];
  /** Entities per side. */
  population: number;
  /** Events in the capacity backlog. */
  backlog: number;
  /** Seconds of the steady run. */
  seconds: number;
  /** Events per second in the steady run; null: `rateFraction` of the first run's capacity. */
  rate: number | null;
}

export function scaleOutSettings(values: {
  'scale-out-instances': string;
  'scale-out-population': string;
  'scale-out-backlog': string;
  'scale-out-seconds': string;
  'scale-out-rate'?: string;
}): ScaleOutSettings {
  const list = values['scale-out-instances'].trim();
  const instances =
    list === 'none' || list === '0' || list === ''
      ? []
      : list.split(',').map((s) => positive('scale-out-instances', s.trim(), true));
  if (instances.some((n) => n > 6)) {
    // The vector topic has six partitions: a seventh instance would own nothing.
    throw new Error('--scale-out-instances: at most 6 (the vector topic has six partitions)');
  }
  return {
    instances,
    population: positive('scale-out-population', values['scale-out-population'], true),
    backlog: positive('scale-out-backlog', values['scale-out-backlog'], true),
    seconds: positive('scale-out-seconds', values['scale-out-seconds']),
    rate:
      values['scale-out-rate'] === undefined
        ? null
        : positive('scale-out-rate', values['scale-out-rate']),
  };
}

/** The bench broker's pid, from the file scripts/bench*.sh name in BENCH_BROKER_PID_FILE. */
export function brokerPid(file = process.env.BENCH_BROKER_PID_FILE): number | null {
  if (!file) return null;
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
